import { createHash } from 'node:crypto';
import type { InvestigatorRepository, InvestigatorRow, SignatureRepository, SignerCandidate, Transaction, VerifiedSignature } from '@mig-data/database';
import { InvalidArgumentError, PermissionDeniedError, TEXT_LIMITS, type Action, type Page, type PAGED_LISTS } from '@mig-data/domain';
import { actionCanonicalString, goOperationsJson, hasKeyId, readActionSignature, readVerificationKey, verifyTextSignature, type ActionSignature, type VerificationKey } from '@mig-data/pgp';

/** What a verified action is stored with: its signature rows and its operations as signed. */
export interface VerifiedAction {
  signatures: VerifiedSignature[];
  signedOperations: string;
}

/** Parsed keys kept between calls: parsing is most of the cost of a check. */
const KEY_CACHE_SIZE = 1000;

/**
 * The signature side of storing an action (spec/data-model.md "Action validation and
 * signatures"): every signature must verify over MIG's canonical string with the key of an
 * active investigator, and one `signatures` row per signer is stored with the action.
 */
export class ActionSignatures {
  private readonly keys = new Map<string, VerificationKey>();

  constructor(
    private readonly investigators: InvestigatorRepository,
    private readonly signatures: SignatureRepository,
  ) {}

  /**
   * Checks every signature; returns one per signer, and the operations' JSON exactly as it stood
   * in the verified canonical string (what is stored). Throws INVALID_ARGUMENT for a malformed
   * signature or one that does not verify (the action changed after signing), PERMISSION_DENIED
   * for a signer who is unknown, disabled, or signed twice.
   */
  async verify(action: Action, field = 'action'): Promise<VerifiedAction> {
    const fieldOf = (index: number) => `${field}.pgpsignatures[${index}]`;
    const parsed = await Promise.all(
      action.pgpsignatures.map((signature, index) => {
        if (signature.length > TEXT_LIMITS.signature) throw new InvalidArgumentError(fieldOf(index), `is ${signature.length} characters long; at most ${TEXT_LIMITS.signature} fit`);
        return readActionSignature(signature, fieldOf(index));
      }),
    );
    const signedOperations = goOperationsJson(action.operations);
    const canonical = actionCanonicalString(action, signedOperations);
    let candidates = await this.investigators.signerCandidates([...new Set(parsed.flatMap((signature) => signature.signingKeyIds))]);
    let searchedAll = false;
    const verified: VerifiedSignature[] = [];
    for (const [index, signature] of parsed.entries()) {
      let signer = await this.signerOf(signature, candidates);
      if (!signer && !searchedAll) {
        // Not a primary key's id: a signing subkey's, which only the keys themselves list.
        candidates = await this.investigators.allWithPublicKeys();
        searchedAll = true;
        signer = await this.signerOf(signature, candidates);
      }
      if (!signer) {
        throw new PermissionDeniedError(`${fieldOf(index)}: made by key ${signature.signingKeyIds.join(', ')}, which belongs to no investigator; register the signer first`);
      }
      const { investigator, key } = signer;
      if (investigator.status !== 'active') {
        throw new PermissionDeniedError(`${fieldOf(index)}: signer ${investigator.name} (${investigator.pgpfingerprint}) is ${investigator.status}; only active investigators' signatures count`);
      }
      await verifyTextSignature(canonical, signature, key, fieldOf(index));
      if (verified.some((earlier) => earlier.investigatorid === investigator.id)) {
        throw new PermissionDeniedError(`${fieldOf(index)}: ${investigator.name} (${investigator.pgpfingerprint}) already signed this action; each investigator counts once`);
      }
      verified.push({ investigatorid: investigator.id, pgpsignature: action.pgpsignatures[index] });
    }
    return { signatures: verified, signedOperations };
  }

  /**
   * Stores the signature rows of a new action inside its transaction, after making sure no signer
   * was disabled since `verify` (their rows stay locked until the action is committed).
   */
  async store(actionId: number, verified: readonly VerifiedSignature[], manager: Transaction): Promise<void> {
    const active = await this.investigators.lockActive(verified.map((signature) => signature.investigatorid), manager);
    const gone = verified.find((signature) => !active.has(signature.investigatorid));
    if (gone) throw new PermissionDeniedError(`investigator ${gone.investigatorid} was disabled while the action was being stored; its signature no longer counts`);
    await this.signatures.insert(actionId, verified, manager);
  }

  signersOf(actionIds: readonly number[]): Promise<Map<number, InvestigatorRow[]>> {
    return this.signatures.signersOf(actionIds);
  }

  signersPage(actionId: number, page: Page<typeof PAGED_LISTS.actionInvestigators.key>): Promise<InvestigatorRow[]> {
    return this.signatures.signersPage(actionId, page);
  }

  private async signerOf(signature: ActionSignature, candidates: readonly SignerCandidate[]): Promise<{ investigator: SignerCandidate; key: VerificationKey } | undefined> {
    for (const investigator of candidates) {
      const key = await this.parsedKey(investigator.publickey);
      if (key && signature.signingKeyIds.some((keyId) => hasKeyId(key, keyId))) return { investigator, key };
    }
    return undefined;
  }

  /** A stored key, parsed once; a key that no longer parses (edited by hand) signs nothing. */
  private async parsedKey(armored: string): Promise<VerificationKey | undefined> {
    const digest = createHash('sha256').update(armored).digest('hex');
    let key = this.keys.get(digest);
    if (!key) {
      key = await readVerificationKey(armored).catch(() => undefined);
      if (!key) return undefined;
      if (this.keys.size >= KEY_CACHE_SIZE) this.keys.delete(this.keys.keys().next().value as string);
      this.keys.set(digest, key);
    }
    return key;
  }
}
