package main

// What a MIG agent does before it runs an action: rebuild the string the investigators signed and
// check every signature on it against the public keys it trusts, with golang.org/x/crypto/openpgp
// (the library MIG's agents and scheduler verify with). The string is built as MIG's Go code
// builds it (mozilla/mig src/mig/action.go, Action.String; spec/data-model.md "Action validation
// and signatures"), from the action as the service returns it.

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	migdatav1 "github.com/mozilla/mig-data/gen/go/mig/data/v1"
	"golang.org/x/crypto/openpgp"
)

// migOperation is MIG's Operation struct: its field order and omitempty flags are what the
// signature covers (encoding/json writes struct fields in order and sorts the keys of the
// parameters' maps by their bytes).
type migOperation struct {
	Module         string      `json:"module"`
	Parameters     interface{} `json:"parameters"`
	IsCompressed   bool        `json:"is_compressed,omitempty"`
	WantCompressed bool        `json:"want_compressed,omitempty"`
}

// canonicalString is MIG's Action.String(). MIG writes expireafter with fmt.Sprintf("%s", an
// int64), which Go prints as "%!s(int64=N)": every signed MIG action carries that text, so it is
// spelled out here (go vet refuses the original format).
func canonicalString(action *migdatav1.Action) (string, error) {
	operations := make([]migOperation, 0, len(action.GetOperations()))
	for _, operation := range action.GetOperations() {
		operations = append(operations, migOperation{
			Module:         operation.GetModule(),
			Parameters:     operation.GetParameters().AsInterface(),
			IsCompressed:   operation.GetIsCompressed(),
			WantCompressed: operation.GetWantCompressed(),
		})
	}
	operationsJSON, err := json.Marshal(operations)
	if err != nil {
		return "", fmt.Errorf("operations of action %d do not encode as JSON: %w", action.GetId(), err)
	}
	return "name=" + action.GetName() + ";" +
		"target=" + action.GetTarget() + ";" +
		"validfrom=" + strconv.FormatInt(action.GetValidfrom().GetSeconds(), 10) + ";" +
		"expireafter=%!s(int64=" + strconv.FormatInt(action.GetExpireafter().GetSeconds(), 10) + ");" +
		"operations=" + string(operationsJSON) + ";", nil
}

// reArmorSignature turns MIG's one-line signature (base64 body directly followed by its =XXXX
// checksum) back into the armor openpgp reads: the body in 64-character lines, then the checksum.
func reArmorSignature(oneLine string) (string, error) {
	// The checksum is the last "=" and 4 characters (a CRC-24 needs no padding); any "=" before it
	// is the body's base64 padding.
	checksumAt := strings.LastIndex(oneLine, "=")
	if checksumAt < 0 || len(oneLine)-checksumAt != 5 {
		return "", fmt.Errorf("not a one-line MIG signature (no =XXXX checksum at its end)")
	}
	body := oneLine[:checksumAt]
	var armored strings.Builder
	armored.WriteString("-----BEGIN PGP SIGNATURE-----\n\n")
	for start := 0; start < len(body); start += 64 {
		end := start + 64
		if end > len(body) {
			end = len(body)
		}
		armored.WriteString(body[start:end] + "\n")
	}
	armored.WriteString(oneLine[checksumAt:] + "\n-----END PGP SIGNATURE-----\n")
	return armored.String(), nil
}

// keyringOf reads the armored public keys of the investigators an agent trusts.
func keyringOf(investigators []*migdatav1.Investigator) (openpgp.EntityList, error) {
	var keyring openpgp.EntityList
	for _, investigator := range investigators {
		entities, err := openpgp.ReadArmoredKeyRing(strings.NewReader(investigator.GetPublickey()))
		if err != nil {
			return nil, fmt.Errorf("public key of investigator %d (%s) does not read: %w", investigator.GetId(), investigator.GetName(), err)
		}
		keyring = append(keyring, entities...)
	}
	return keyring, nil
}

// verifySignatures checks every signature of the action over `signed` and returns the signers'
// fingerprints (upper-case hex, as the service stores them), in signature order.
func verifySignatures(signed string, signatures []string, keyring openpgp.EntityList) ([]string, error) {
	if len(signatures) == 0 {
		return nil, fmt.Errorf("the action carries no signature")
	}
	fingerprints := make([]string, 0, len(signatures))
	for index, signature := range signatures {
		armored, err := reArmorSignature(signature)
		if err != nil {
			return nil, fmt.Errorf("signature %d: %w", index+1, err)
		}
		signer, err := openpgp.CheckArmoredDetachedSignature(keyring, strings.NewReader(signed), strings.NewReader(armored))
		if err != nil {
			return nil, fmt.Errorf("signature %d does not verify: %w", index+1, err)
		}
		fingerprints = append(fingerprints, strings.ToUpper(fmt.Sprintf("%x", signer.PrimaryKey.Fingerprint)))
	}
	return fingerprints, nil
}
