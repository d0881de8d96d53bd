/**
 * Fake secrets for the redaction tests, made at run time from a seed so the file itself holds no
 * credential-shaped literal (secret scanners and push protection stay quiet) and every run plants
 * the same ones. They have the real prefixes, lengths and alphabets, but their random bodies make
 * them invalid: GitHub's checksum suffix, for one, is random here.
 *
 * Each secret comes with the places a transcript shows one: a prompt, a shell command, command
 * output, a file path, assistant prose. Contexts embed the secret verbatim, and are chosen so that
 * the kind under test is the most specific detector that applies.
 */

import { prng } from '../helpers.js';

export interface Planted {
  kind: string;
  secret: string;
  contexts: string[];
}

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';
const B62 = UPPER + LOWER + DIGITS;
const B64URL = `${B62}-_`;
const B64 = `${B62}+/`;
const HEX = '0123456789abcdef';
/** AWS key ids: upper-case letters and the digits 2–7. */
const AWS_ID = `${UPPER}234567`;
const SYMBOLS = '!@#^*+-_.';

class Gen {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = prng(seed);
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }
  str(alphabet: string, n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += alphabet[Math.floor(this.next() * alphabet.length)] ?? '';
    return s;
  }
  /** Random, with at least one digit and one letter, as generated keys and passwords have. */
  mixed(alphabet: string, n: number): string {
    let s = this.str(alphabet, n);
    while (!/[0-9]/.test(s) || !/[A-Za-z]/.test(s)) s = this.str(alphabet, n);
    return s;
  }
  /** A password: letters, digits and at least one symbol (never `$`, which a shell would expand). */
  password(n: number): string {
    const body = this.mixed(B62, n - 2);
    const at = this.int(1, body.length - 1);
    return `${body.slice(0, at)}${this.pick([...SYMBOLS])}${this.str(DIGITS, 1)}${body.slice(at)}`;
  }
  bytes(n: number): Buffer {
    return Buffer.from(Array.from({ length: n }, () => this.int(0, 255)));
  }
}

const PER_KIND = 7;

/** Contexts every prefixed token fits: a prompt, prose, a file path, an env export in a command. */
function tokenContexts(s: string, env: string): string[] {
  return [
    `Here is the key, please use it for the integration: ${s}`,
    `I've put the credential in /tmp/${s}.txt so the script can read it.`,
    `cd service && ${env}=${s} npm run deploy`,
    `Done. I rotated the old key and stored the new one (${s}) in the team vault.`,
    `$ cat ~/.config/tool/credentials\n${s}\n$ `,
  ];
}

type Maker = (g: Gen, i: number) => Planted;

const MAKERS: Record<string, Maker> = {
  'aws-access-key': (g, i) => {
    const secret = `${i % 2 === 0 ? 'AKIA' : 'ASIA'}${g.str(AWS_ID, 16)}`;
    return {
      kind: 'aws-access-key',
      secret,
      contexts: [
        `my key id is ${secret}, why does boto3 say InvalidClientTokenId?`,
        `aws configure set aws_access_key_id ${secret}`,
        `{\n  "Credentials": {\n    "AccessKeyId": "${secret}",\n    "Expiration": "2025-01-01T00:00:00Z"\n  }\n}`,
        `wrote /tmp/${secret}.json`,
        `export AWS_ACCESS_KEY_ID=${secret}`,
      ],
    };
  },
  'aws-secret-key': (g) => {
    const secret = g.mixed(B64, 40);
    return {
      kind: 'aws-secret-key',
      secret,
      contexts: [
        `export AWS_SECRET_ACCESS_KEY=${secret}`,
        `[default]\nregion = eu-west-1\naws_secret_access_key = ${secret}\n`,
        `aws configure set aws_secret_access_key ${secret}`,
        `{\n  "Credentials": {\n    "SecretAccessKey": "${secret}",\n    "SessionToken": "…"\n  }\n}`,
        `provider "aws" {\n  secret_key = "${secret}"\n}`,
      ],
    };
  },
  'github-token': (g, i) => {
    const prefix = ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_', 'github_pat_', 'ghp_'][i] ?? 'ghp_';
    const secret =
      prefix === 'github_pat_' ? `${prefix}${g.str(B62, 22)}_${g.str(B62, 59)}` : `${prefix}${g.str(B62, 36)}`;
    return {
      kind: 'github-token',
      secret,
      contexts: [
        ...tokenContexts(secret, 'GITHUB_TOKEN'),
        `git remote set-url origin https://${secret}@github.com/acme/api.git`,
        `curl -H "Authorization: token ${secret}" https://api.github.com/user`,
        `echo ${secret} > /tmp/${secret}.txt`,
      ],
    };
  },
  'gitlab-token': (g, i) => {
    const secret = `${i === 6 ? 'glptt-' : 'glpat-'}${g.mixed(B64URL, 20)}`;
    return {
      kind: 'gitlab-token',
      secret,
      contexts: [
        ...tokenContexts(secret, 'GITLAB_TOKEN'),
        `git clone https://oauth2:${secret}@gitlab.com/acme/infra.git`,
        `curl --header "PRIVATE-TOKEN: ${secret}" https://gitlab.example.com/api/v4/projects`,
      ],
    };
  },
  'slack-token': (g, i) => {
    if (i >= 5) {
      const secret = `https://hooks.slack.com/services/T${g.str(UPPER + DIGITS, 8)}/B${g.str(UPPER + DIGITS, 10)}/${g.str(B62, 24)}`;
      return {
        kind: 'slack-token',
        secret,
        contexts: [
          `curl -X POST -H 'Content-type: application/json' --data '{"text":"deploy done"}' ${secret}`,
          `SLACK_WEBHOOK_URL=${secret}`,
          `Post the release notes to ${secret} when the build is green.`,
          `webhook: "${secret}"`,
        ],
      };
    }
    const prefix = ['xoxb-', 'xoxp-', 'xoxa-', 'xoxr-', 'xoxb-'][i] ?? 'xoxb-';
    const secret =
      prefix === 'xoxp-'
        ? `${prefix}${g.str(DIGITS, 12)}-${g.str(DIGITS, 12)}-${g.str(DIGITS, 13)}-${g.str(HEX, 32)}`
        : `${prefix}${g.str(DIGITS, 13)}-${g.str(DIGITS, 13)}-${g.str(B62, 24)}`;
    return {
      kind: 'slack-token',
      secret,
      contexts: [
        ...tokenContexts(secret, 'SLACK_BOT_TOKEN'),
        `curl -H "Authorization: Bearer ${secret}" https://slack.com/api/chat.postMessage`,
      ],
    };
  },
  'stripe-key': (g, i) => {
    const prefix = ['sk_live_', 'rk_live_', 'sk_test_', 'whsec_', 'sk_live_', 'rk_test_', 'sk_live_'][i] ?? 'sk_live_';
    const secret = `${prefix}${g.str(B62, prefix === 'whsec_' ? 32 : i === 4 ? 99 : 24)}`;
    return {
      kind: 'stripe-key',
      secret,
      contexts: [
        ...tokenContexts(secret, 'STRIPE_SECRET_KEY'),
        `curl https://api.stripe.com/v1/charges -u ${secret}: -d amount=2000`,
        `stripe.api_key = "${secret}"`,
      ],
    };
  },
  'openai-key': (g, i) => {
    const secret =
      i % 2 === 0 ? `sk-proj-${g.mixed(B64URL, i === 0 ? 156 : 74)}` : `sk-${g.str(B62, 20)}T3BlbkFJ${g.str(B62, 20)}`;
    return {
      kind: 'openai-key',
      secret,
      contexts: [
        ...tokenContexts(secret, 'OPENAI_API_KEY'),
        `client = OpenAI(api_key="${secret}")`,
        `curl https://api.openai.com/v1/models -H "Authorization: Bearer ${secret}"`,
      ],
    };
  },
  'anthropic-key': (g, i) => {
    const prefix = ['sk-ant-api03-', 'sk-ant-admin01-', 'sk-ant-oat01-'][i % 3] ?? 'sk-ant-api03-';
    const secret = `${prefix}${g.str(B64URL, 93)}AA`;
    return {
      kind: 'anthropic-key',
      secret,
      contexts: [
        ...tokenContexts(secret, 'ANTHROPIC_API_KEY'),
        `curl https://api.anthropic.com/v1/messages -H "x-api-key: ${secret}" -H "anthropic-version: 2023-06-01"`,
        `client = anthropic.Anthropic(api_key="${secret}")`,
      ],
    };
  },
  'google-api-key': (g) => {
    const secret = `AIza${g.str(B64URL, 35)}`;
    return {
      kind: 'google-api-key',
      secret,
      contexts: [
        ...tokenContexts(secret, 'GOOGLE_API_KEY'),
        `curl "https://maps.googleapis.com/maps/api/geocode/json?address=Berlin&key=${secret}"`,
        `const firebaseConfig = {\n  apiKey: "${secret}",\n  authDomain: "acme.firebaseapp.com",\n};`,
      ],
    };
  },
  'npm-token': (g) => {
    const secret = `npm_${g.str(B62, 36)}`;
    return {
      kind: 'npm-token',
      secret,
      contexts: [
        ...tokenContexts(secret, 'NPM_TOKEN'),
        `//registry.npmjs.org/:_authToken=${secret}`,
        `NPM_TOKEN=${secret} npm publish --access public`,
      ],
    };
  },
  'private-key': (g, i) => {
    const label =
      [
        'RSA PRIVATE KEY',
        'EC PRIVATE KEY',
        'OPENSSH PRIVATE KEY',
        'ENCRYPTED PRIVATE KEY',
        'PGP PRIVATE KEY BLOCK',
        'PRIVATE KEY',
        'RSA PRIVATE KEY',
      ][i] ?? 'PRIVATE KEY';
    const body = (
      g
        .bytes(g.int(120, 900))
        .toString('base64')
        .match(/.{1,64}/g) ?? []
    ).join('\n');
    const pem = `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----`;
    if (i === 5) {
      // A service-account JSON file: the key sits in a JSON string with escaped newlines.
      const secret = `${pem.replaceAll('\n', '\\n')}\\n`;
      return {
        kind: 'private-key',
        secret,
        contexts: [
          `{\n  "type": "service_account",\n  "project_id": "acme-prod",\n  "private_key": "${secret}",\n  "client_email": "ci@acme-prod.iam.gserviceaccount.com"\n}`,
          `Here's the service account key JSON: {"private_key": "${secret}"}`,
        ],
      };
    }
    if (i === 4) {
      // Printed without its BEGIN line (`sed 1d`, a tail of the file): the body alone is key material.
      const lines = body.split('\n');
      const secret = lines.slice(1).join('\n');
      return {
        kind: 'private-key',
        secret,
        contexts: [
          `$ sed 1,2d deploy_key.pem\n${secret}\n-----END ${label}-----\n$ `,
          `$ tail -n ${lines.length - 1} id_deploy | head -n ${lines.length - 2}\n${secret}\n`,
        ],
      };
    }
    if (i === 6) {
      // Output cut off before the footer: everything from the header on must go.
      const secret = `-----BEGIN ${label}-----\n${body.slice(0, 200)}`;
      return {
        kind: 'private-key',
        secret,
        contexts: [`$ head -c 250 deploy_key.pem\n${secret}`, `The file starts like this (truncated):\n\n${secret}`],
      };
    }
    return {
      kind: 'private-key',
      secret: pem,
      contexts: [
        `$ cat ~/.ssh/id_deploy\n${pem}\n$ ls`,
        `Add this deploy key to the server:\n\n${pem}\n\nthen restart sshd.`,
        `cat > key.pem <<'EOF'\n${pem}\nEOF\nchmod 600 key.pem`,
      ],
    };
  },
  jwt: (g, i) => {
    const header = i % 2 === 0 ? { alg: 'HS256', typ: 'JWT' } : { alg: 'RS256', typ: 'JWT', kid: g.str(HEX, 16) };
    const payload = {
      sub: String(g.int(1000, 999999)),
      name: g.pick(['Ada', 'Grace', 'Linus']),
      iat: 1700000000 + g.int(0, 9999999),
      exp: 1800000000,
    };
    const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const secret = `${enc(header)}.${enc(payload)}.${g.str(B64URL, i % 2 === 0 ? 43 : 342)}`;
    return {
      kind: 'jwt',
      secret,
      contexts: [
        `curl -H "Authorization: Bearer ${secret}" https://api.example.com/me`,
        `Cookie: session=${secret}; Path=/; HttpOnly`,
        `{"access_token":"${secret}","token_type":"Bearer","expires_in":3600}`,
        `Can you decode this JWT and tell me why it is rejected? ${secret}`,
        `localStorage.setItem('token', '${secret}');`,
      ],
    };
  },
  'bearer-token': (g) => {
    const secret = g.mixed(`${B62}-._~`, g.int(32, 64)).replace(/^[^A-Za-z0-9]/, 'a');
    return {
      kind: 'bearer-token',
      secret,
      contexts: [
        `curl -H "Authorization: Bearer ${secret}" https://api.internal.example.com/v2/jobs`,
        `> GET /v1/orders HTTP/1.1\n> Host: api.example.com\n> Authorization: Bearer ${secret}\n> Accept: */*`,
        `fetch(url, { headers: { Authorization: "Bearer ${secret}" } })`,
        `The API rejected Bearer ${secret} with a 401.`,
      ],
    };
  },
  'basic-auth': (g) => {
    const secret = Buffer.from(`${g.pick(['admin', 'ci', 'deploy', 'registry'])}:${g.password(16)}`).toString('base64');
    return {
      kind: 'basic-auth',
      secret,
      contexts: [
        `curl -H "Authorization: Basic ${secret}" https://registry.example.com/v2/_catalog`,
        `< HTTP/1.1 401\n> Authorization: Basic ${secret}\n`,
        `The proxy expects the header value "Basic ${secret}".`,
        `wget --header="Authorization: Basic ${secret}" https://files.example.com/a.tgz`,
      ],
    };
  },
  'url-password': (g, i) => {
    // Some carry an unencoded `/` or `#`, as people type them.
    const secret = g.mixed(`${B62}!*_~.-${i >= 5 ? '/#' : ''}`, g.int(12, 24)).replace(/^[^A-Za-z0-9]/, 'Q');
    return {
      kind: 'url-password',
      secret,
      contexts: [
        `DATABASE_URL=postgres://app:${secret}@db.internal:5432/app`,
        `git clone https://deploy:${secret}@git.example.com/team/repo.git`,
        `redis-cli -u redis://default:${secret}@cache.internal:6379/0 ping`,
        `const uri = "mongodb+srv://admin:${secret}@cluster0.ab1cd.mongodb.net/prod?retryWrites=true";`,
        `It connects with amqp://guest:${secret}@rabbit:5672/ and then hangs.`,
      ],
    };
  },
  'password-assignment': (g) => {
    const secret = g.password(g.int(10, 20));
    return {
      kind: 'password-assignment',
      secret,
      contexts: [
        `mysql -h db -u root --password ${secret} app < dump.sql`,
        `psql "host=db.internal user=app password=${secret} dbname=app"`,
        `{"username": "admin", "password": "${secret}"}`,
        `database:\n  host: db.internal\n  db_password: ${secret}\n`,
        `cd app && export DB_PASSWORD=${secret} && npm run migrate`,
        `curl -d "client_secret=${secret}&grant_type=client_credentials" https://auth.example.com/token`,
        `curl -u admin:${secret} https://registry.example.com/v2/`,
      ],
    };
  },
  dotenv: (g, i) => {
    const name =
      [
        'SESSION_SECRET',
        'DB_PASS',
        'JWT_SIGNING_KEY',
        'SENTRY_AUTH_TOKEN',
        'ENCRYPTION_KEY',
        'REDIS_PASSWORD',
        'WEBHOOK_SECRET',
      ][i] ?? 'APP_SECRET';
    const secret = g.mixed(B62, g.int(16, 40));
    return {
      kind: 'dotenv',
      secret,
      contexts: [
        `NODE_ENV=production\nPORT=3000\n${name}=${secret}\nLOG_LEVEL=info\n`,
        `$ cat .env\n${name}=${secret}\n$ `,
        `export ${name}=${secret}`,
        `${name}="${secret}"`,
        `HOME=/home/dev\n${name}=${secret}\nPATH=/usr/local/bin:/usr/bin`,
      ],
    };
  },
  'high-entropy': (g, i) => {
    const secret = i % 3 === 0 ? g.mixed(HEX, 40) : i % 3 === 1 ? g.mixed(B62, g.int(32, 48)) : g.mixed(B64URL, 43);
    return {
      kind: 'high-entropy',
      secret,
      contexts: [
        `The webhook signing secret is ${secret}, can you wire it into the handler?`,
        `Rotated the deploy token ${secret} this morning.`,
        `Generated a new API key\n  ${secret}\nStore it somewhere safe; it will not be shown again.`,
        `redis-cli AUTH ${secret}`,
      ],
    };
  },
  'vault-token': (g, i) => {
    const secret = `${i === 6 ? 'hvb.' : 'hvs.'}${g.mixed(`${B62}_-`, i === 6 ? 140 : g.int(91, 110))}`;
    return {
      kind: 'vault-token',
      secret,
      contexts: [
        ...tokenContexts(secret, 'VAULT_TOKEN'),
        `vault login ${secret}`,
        `curl -H "X-Vault-Token: ${secret}" https://vault.internal:8200/v1/secret/data/app`,
      ],
    };
  },
  'pypi-token': (g) => {
    const secret = `pypi-AgEIcHlwaS5vcmc${g.str(B64URL, g.int(60, 160))}`;
    return {
      kind: 'pypi-token',
      secret,
      contexts: [
        ...tokenContexts(secret, 'TWINE_PASSWORD'),
        `twine upload -u __token__ -p ${secret} dist/*`,
        `[pypi]\n  username = __token__\n  password = ${secret}\n`,
      ],
    };
  },
  'digitalocean-token': (g, i) => {
    const secret = `${['dop', 'doo', 'dor'][i % 3] ?? 'dop'}_v1_${g.str(HEX, 64)}`;
    return {
      kind: 'digitalocean-token',
      secret,
      contexts: [...tokenContexts(secret, 'DIGITALOCEAN_TOKEN'), `doctl auth init -t ${secret}`],
    };
  },
  'docker-token': (g, i) => {
    const secret = `${i % 2 === 0 ? 'dckr_pat_' : 'dckr_oat_'}${g.mixed(B64URL, 27)}`;
    return {
      kind: 'docker-token',
      secret,
      contexts: [...tokenContexts(secret, 'DOCKERHUB_TOKEN'), `echo ${secret} | docker login -u ci --password-stdin`],
    };
  },
  'sendgrid-key': (g) => {
    const secret = `SG.${g.mixed(B64URL, 22)}.${g.mixed(B64URL, 43)}`;
    return {
      kind: 'sendgrid-key',
      secret,
      contexts: [...tokenContexts(secret, 'SENDGRID_API_KEY'), `sg = SendGridAPIClient("${secret}")`],
    };
  },
  'huggingface-token': (g) => {
    const secret = `hf_Q${g.str(UPPER + LOWER, 32)}q`;
    return {
      kind: 'huggingface-token',
      secret,
      contexts: [...tokenContexts(secret, 'HF_TOKEN'), `huggingface-cli login --token ${secret}`],
    };
  },
  'age-key': (g) => {
    const secret = `AGE-SECRET-KEY-1${g.str('QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L', 58)}`;
    return {
      kind: 'age-key',
      secret,
      contexts: [
        `# created: 2026-01-01T00:00:00Z\n# public key: age1${g.str('qpzry9x8gf2tvdw0s3jn54khce6mua7l', 58)}\n${secret}\n`,
        `$ cat ~/.config/sops/age/keys.txt\n${secret}\n$ `,
        `SOPS_AGE_KEY=${secret} sops -d secrets.yaml`,
        `I saved your key (${secret}) in keys.txt.`,
      ],
    };
  },
  'telegram-bot-token': (g) => {
    const secret = `${g.str(DIGITS.slice(1), 1)}${g.str(DIGITS, g.int(7, 9))}:AA${g.mixed(B64URL, 33)}`;
    return {
      kind: 'telegram-bot-token',
      secret,
      contexts: [
        `curl "https://api.telegram.org/bot${secret}/sendMessage?chat_id=42&text=deployed"`,
        `requests.get(f"https://api.telegram.org/bot${secret}/getUpdates")`,
        `The bot token from BotFather is ${secret}; the webhook is not set yet.`,
        `TELEGRAM_BOT_TOKEN=${secret} node bot.js`,
      ],
    };
  },
  'twilio-key': (g, i) => {
    const secret = g.str(HEX, 32);
    const sid = `${i % 2 === 0 ? 'AC' : 'SK'}${g.str(HEX, 32)}`;
    return {
      kind: 'twilio-key',
      secret,
      contexts: [
        `curl -X POST https://api.twilio.com/2010-04-01/Accounts/${sid}/Messages.json -u ${sid}:${secret} -d "To=+15550100"`,
        `client = Client("${sid}", "${secret}")`,
        `account_sid = '${sid}'\nauth = '${secret}'`,
        `twilio profiles:add --account-sid ${sid} --auth-token ${secret}`,
      ],
    };
  },
  'cli-password': (g) => {
    const secret = g.password(g.int(10, 18));
    return {
      kind: 'cli-password',
      secret,
      contexts: [
        `mysql -h db.internal -u root -p${secret} app < dump.sql`,
        `sshpass -p '${secret}' ssh deploy@10.0.0.5 uptime`,
        `redis-cli -h cache.internal -a ${secret} INFO keyspace`,
        `docker login -u ci -p ${secret} registry.example.com`,
        `openssl pkcs12 -export -in cert.pem -inkey key.pem -out bundle.p12 -passout pass:${secret}`,
        `keytool -importcert -file ca.pem -keystore truststore.jks -storepass ${secret} -noprompt`,
        `mysqldump -uroot -p${secret} --all-databases > all.sql`,
      ],
    };
  },
  'password-prose': (g) => {
    const secret = g.password(g.int(10, 16));
    return {
      kind: 'password-prose',
      secret,
      contexts: [
        `Log in as admin; the password is ${secret} until we rotate it.`,
        `The wifi password was "${secret}", can you add it to the kiosk config?`,
        `My password for the staging VPN is ${secret}.`,
        `Use the admin account. Its password is now ${secret}`,
      ],
    };
  },
  'azure-sas': (g) => {
    const secret = `${g.mixed(B62, g.int(30, 40))}%2B${g.mixed(B62, 8)}%3D`;
    return {
      kind: 'azure-sas',
      secret,
      contexts: [
        `azcopy copy ./build "https://acme.blob.core.windows.net/site?sv=2022-11-02&ss=b&srt=co&sp=rwl&se=2026-12-31T00:00:00Z&sig=${secret}" --recursive`,
        `BlobEndpoint=https://acme.blob.core.windows.net/;SharedAccessSignature=sv=2022-11-02&ss=b&sp=r&sig=${secret}`,
        `The upload URL is https://acme.blob.core.windows.net/c/a.zip?sp=r&st=2026-01-01&sig=${secret} and expires tonight.`,
      ],
    };
  },
  'docker-auth': (g) => {
    const secret = Buffer.from(`${g.pick(['ci', 'deploy', 'robot$builder'])}:${g.password(g.int(12, 24))}`).toString(
      'base64',
    );
    return {
      kind: 'docker-auth',
      secret,
      contexts: [
        `{\n  "auths": {\n    "registry.example.com": {\n      "auth": "${secret}"\n    }\n  }\n}`,
        `$ cat ~/.docker/config.json\n{"auths":{"ghcr.io":{"auth":"${secret}"}}}`,
        `kubectl create secret docker-registry regcred --from-literal='{"auths":{"r.example.com":{"auth":"${secret}"}}}'`,
      ],
    };
  },
  'session-cookie': (g) => {
    const secret = g.mixed(`${B62}%-_`, g.int(24, 64)).replace(/^[^A-Za-z0-9]/, 'k');
    return {
      kind: 'session-cookie',
      secret,
      contexts: [
        `curl -H 'Cookie: session=${secret}; theme=dark' https://app.example.com/api/me`,
        `< HTTP/1.1 302 Found\n< Set-Cookie: sessionid=${secret}; Path=/; HttpOnly; Secure\n< Location: /home`,
        `curl -b "connect.sid=${secret}" https://app.example.com/admin`,
        `> GET /dashboard HTTP/2\n> Cookie: _gh_sess=${secret}\n`,
      ],
    };
  },
  'base64-secret': (g, i) => {
    const inner =
      [
        `ghp_${g.str(B62, 36)}`,
        `DB_HOST=db\nDB_PASSWORD=${g.password(14)}\n`,
        `AKIA${g.str(AWS_ID, 16)}`,
        `postgres://app:${g.mixed(B62, 16)}@db:5432/app`,
        `xoxb-${g.str(DIGITS, 12)}-${g.str(DIGITS, 13)}-${g.str(B62, 24)}`,
        `{"api_key": "${g.mixed(B62, 32)}"}`,
        `sk-ant-api03-${g.str(B64URL, 93)}AA`,
      ][i] ?? `npm_${g.str(B62, 36)}`;
    const secret = Buffer.from(inner).toString('base64').replace(/=+$/, '');
    return {
      kind: 'base64-secret',
      secret,
      contexts: [
        `echo ${secret} | base64 -d`,
        `apiVersion: v1\nkind: Secret\ndata:\n  config: ${secret}\n`,
        `const blob = atob("${secret}");`,
        `The value in the vault export is ${secret}, decode it first.`,
      ],
    };
  },
  'split-secret': (g, i) => {
    const whole = i % 2 === 0 ? `sk-ant-api03-${g.str(B64URL, 93)}AA` : `ghp_${g.str(B62, 36)}`;
    const cut = whole.startsWith('ghp_') ? 4 : 7;
    const secret = whole.slice(cut);
    const head = whole.slice(0, cut);
    const mid = cut + Math.floor(secret.length / 2);
    return {
      kind: 'split-secret',
      secret,
      contexts: [
        `const key = "${head}" + "${secret}";`,
        `token = '${head}' + '${whole.slice(cut, mid)}' + '${whole.slice(mid)}'`,
        `KEY = ("${head}"\n       "${secret}")`,
        `String k = "${head}" +\n    "${secret}";`,
      ],
    };
  },
};

/** Every kind the redactor knows, PER_KIND secrets each (seven: over 120 in all). */
export function plantedSecrets(seed: number): Planted[] {
  const g = new Gen(seed);
  return Object.values(MAKERS).flatMap((make) => Array.from({ length: PER_KIND }, (_, i) => make(g, i)));
}
