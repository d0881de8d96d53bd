import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRedactor } from '../../src/redact/redact.js';
import { prng } from '../helpers.js';

/**
 * The forms an outside red team found leaking (issue 13, finding 9), one case each. Secrets are
 * assembled at run time so this file holds no credential-shaped literal.
 */
const B62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const HEX = '0123456789abcdef';
const AGE = 'QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L';
/** A fixed pseudo-random string over an alphabet (stable across runs, different per seed). */
function str(alphabet: string, n: number, seed: number): string {
  const next = prng(seed);
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[Math.floor(next() * alphabet.length)] ?? '';
  return s;
}

const pw = 'hunter2-Xq9';
const ghp = `ghp_${str(B62, 36, 1)}`;
const ant = `sk-ant-api03-${str(`${B62}-_`, 93, 2)}AA`;

export const FORMS: { form: string; text: string; secret: string }[] = [
  { form: 'mysql -p<pw>', text: `mysql -h db -u root -p${pw} app`, secret: pw },
  { form: 'mysql --password=<pw>', text: `mysql -u root --password=${pw} -e 'select 1'`, secret: pw },
  { form: 'sshpass -p <pw>', text: `sshpass -p ${pw} ssh deploy@10.0.0.5`, secret: pw },
  { form: 'redis-cli -a <pw>', text: `redis-cli -h cache -a ${pw} ping`, secret: pw },
  { form: 'docker login -p <pw>', text: `docker login -u ci -p ${pw} registry.example.com`, secret: pw },
  {
    form: 'docker login --password <pw>',
    text: `docker login --username ci --password ${pw} registry.example.com`,
    secret: pw,
  },
  { form: 'openssl -passin pass:<pw>', text: `openssl rsa -in key.pem -passin pass:${pw} -out plain.pem`, secret: pw },
  { form: 'keytool -storepass <pw>', text: `keytool -list -keystore app.jks -storepass ${pw}`, secret: pw },
  { form: 'prose: the password is', text: `Log in as admin; the password is ${pw} for now.`, secret: pw },
  { form: 'prose: password:', text: `Credentials for staging\nuser: admin\npassword: ${pw}\n`, secret: pw },
  {
    form: 'url password with / and #',
    text: 'git clone https://deploy:pa/ss#w0rd9@git.example.com/r.git',
    secret: 'pa/ss#w0rd9',
  },
  { form: 'hvs.', text: `vault login hvs.${str(B62, 95, 3)}`, secret: `hvs.${str(B62, 95, 3)}` },
  {
    form: 'pypi-',
    text: `twine upload -u __token__ -p pypi-AgEIcHlwaS5vcmc${str(`${B62}-_`, 70, 4)} dist/*`,
    secret: `pypi-AgEIcHlwaS5vcmc${str(`${B62}-_`, 70, 4)}`,
  },
  { form: 'dop_v1_', text: `doctl auth init -t dop_v1_${str(HEX, 64, 5)}`, secret: `dop_v1_${str(HEX, 64, 5)}` },
  {
    form: 'dckr_pat_',
    text: `echo dckr_pat_${str(`${B62}-_`, 27, 6)} | docker login -u ci --password-stdin`,
    secret: `dckr_pat_${str(`${B62}-_`, 27, 6)}`,
  },
  {
    form: 'SG.',
    text: `SG.${str(B62, 22, 7)}.${str(B62, 43, 8)} is the mail key`,
    secret: `SG.${str(B62, 22, 7)}.${str(B62, 43, 8)}`,
  },
  {
    form: 'hf_',
    text: `huggingface-cli login --token hf_${str(B62.slice(0, 52), 34, 9)}`,
    secret: `hf_${str(B62.slice(0, 52), 34, 9)}`,
  },
  {
    form: 'AGE-SECRET-KEY-1',
    text: `# created: 2026-01-01\nAGE-SECRET-KEY-1${str(AGE, 58, 10)}\n`,
    secret: `AGE-SECRET-KEY-1${str(AGE, 58, 10)}`,
  },
  {
    form: 'telegram bot token in a URL path',
    text: `curl https://api.telegram.org/bot${str('0123456789', 10, 11)}:AA${str(`${B62}-_`, 33, 12)}/sendMessage?chat_id=1`,
    secret: `${str('0123456789', 10, 11)}:AA${str(`${B62}-_`, 33, 12)}`,
  },
  {
    form: 'twilio sid:token',
    text: `curl -u AC${str(HEX, 32, 13)}:${str(HEX, 32, 14)} https://api.twilio.com/2010-04-01/Accounts.json`,
    secret: str(HEX, 32, 14),
  },
  {
    form: 'twilio api key SK',
    text: `client = Client("SK${str(HEX, 32, 15)}", "${str(HEX, 32, 16)}", "AC${str(HEX, 32, 17)}")`,
    secret: str(HEX, 32, 16),
  },
  {
    form: 'azure sas sig=',
    text: `https://acme.blob.core.windows.net/c/b.txt?sv=2022-11-02&ss=b&sp=r&se=2026-01-01T00:00:00Z&sig=${str(B62, 40, 18)}%2B${str(B62, 10, 19)}%3D`,
    secret: str(B62, 40, 18),
  },
  {
    form: 'docker config auth',
    text: `{"auths": {"registry.example.com": {"auth": "${Buffer.from(`ci:${pw}`).toString('base64')}"}}}`,
    secret: Buffer.from(`ci:${pw}`).toString('base64'),
  },
  {
    form: 'Cookie: session=',
    text: `curl -H 'Cookie: session=${str(B62, 32, 20)}; theme=dark' https://app.example.com/`,
    secret: str(B62, 32, 20),
  },
  {
    form: 'Set-Cookie',
    text: `< Set-Cookie: sessionid=${str(B62, 40, 21)}; Path=/; HttpOnly; Secure`,
    secret: str(B62, 40, 21),
  },
  {
    form: 'private key body without BEGIN',
    text: `$ sed 1d deploy_key.pem\n${(
      Buffer.from(str(B62, 900, 22))
        .toString('base64')
        .match(/.{1,64}/g) ?? []
    ).join('\n')}\n-----END RSA PRIVATE KEY-----\n`,
    secret: Buffer.from(str(B62, 900, 22))
      .toString('base64')
      .slice(64 * 5, 64 * 6),
  },
  {
    form: 'private key body without BEGIN or END',
    text: `$ tail -n 8 id_rsa\n${(
      Buffer.from(str(B62, 600, 23))
        .toString('base64')
        .match(/.{1,64}/g) ?? []
    )
      .slice(0, 8)
      .join('\n')}\n$ `,
    secret: Buffer.from(str(B62, 600, 23))
      .toString('base64')
      .slice(64 * 3, 64 * 4),
  },
  {
    form: 'base64 of a token',
    text: `echo ${Buffer.from(ghp).toString('base64')} | base64 -d`,
    secret: Buffer.from(ghp).toString('base64'),
  },
  {
    form: 'base64 of an env file',
    text: `data:\n  config: ${Buffer.from(`DB_HOST=db\nDB_PASSWORD=${pw}\n`).toString('base64')}\n`,
    secret: Buffer.from(`DB_HOST=db\nDB_PASSWORD=${pw}\n`).toString('base64'),
  },
  { form: 'concatenated "sk-ant-" + …', text: `const key = "sk-ant-" + "${ant.slice(7)}";`, secret: ant.slice(7) },
  {
    form: "concatenated 'ghp_' + …",
    text: `token = 'ghp_' + '${ghp.slice(4, 20)}' + '${ghp.slice(20)}'`,
    secret: ghp.slice(4, 20),
  },
];

describe('redaction: forms that leaked (issue 13, finding 9)', () => {
  for (const { form, text, secret } of FORMS) {
    it(`${form}: no trace of the secret, a marker in its place`, () => {
      const out = createRedactor().redact(text);
      assert.ok(!out.includes(secret), `leaked: ${out}`);
      assert.match(out, /\[REDACTED:[a-z0-9-]+\]/);
    });
  }
});

describe('redaction: the new forms leave look-alikes alone', () => {
  it('commands, prose and URLs that only resemble them are unchanged', () => {
    const r = createRedactor();
    for (const text of [
      'mysql -h db -u root -p app < dump.sql',
      'mkdir -p src/redact && docker run -p 8080:80 nginx',
      'ssh -p 2222 deploy@host && git commit -a -m "fix"',
      'redis-cli -h cache -p 6379 ping',
      'zip -r site.zip public/',
      'curl -b cookies.txt https://example.com/',
      'Set-Cookie: theme=dark; Path=/',
      'see http://localhost:3000/path@main and https://host:8080/a@b',
      'The password is required; the password was wrong; the password is `${PASSWORD}`.',
      'password = opts.password',
      'openssl rsa -in key.pem -passin env:KEY_PASS -out plain.pem',
      'keytool -list -keystore app.jks -storepass:env STORE_PASS',
      'const a = "foo" + "bar";',
      'echo aGVsbG8gd29ybGQgdGhpcyBpcyBmaW5l | base64 -d',
      'Flags: `mysql -p…`, `sshpass -p`, `openssl -passin pass:`, `keytool -storepass`.',
    ]) {
      assert.equal(r.redact(text), text);
    }
    assert.deepEqual(r.counts, {});
  });
});
