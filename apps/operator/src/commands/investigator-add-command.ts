import { readTextFile } from '../args/files';
import { UsageError, type OperatorCommand } from '../operator-command';
import { renderInvestigators } from './investigators-command';

/** Seed §2.1 "Adding Investigators", which was an INSERT typed into psql, as one command. */
export const investigatorAddCommand: OperatorCommand = {
  name: 'investigator-add',
  summary: 'register an investigator from a name and an armored public key file (fingerprint read from the key)',
  usage: 'mig-operator investigator-add NAME PUBLIC_KEY_FILE',
  async run({ args, clients, json, out }) {
    if (args.length !== 2) throw new UsageError('give the investigator\'s name and the file holding their armored public key (gpg --armor --export)');
    const [name, keyFile] = args;
    const publickey = await readTextFile(keyFile);
    const { investigator } = await clients().investigators.createInvestigator({ name, publickey });
    out(renderInvestigators([investigator!], json));
  },
};
