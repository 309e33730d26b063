import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, parseSettings } from '../../../src/config';
import { ConfigError } from '../../../src/domain/errors';
import { resolveSecretKey } from '../../../src/secretKey';

const emptyDir = () => mkdtempSync(path.join(os.tmpdir(), 'rekindle-config-'));

describe('config', () => {
  it('has working defaults for the embedded setup', () => {
    const config = loadConfig({}, emptyDir());
    expect(config).toMatchObject({
      database: { kind: 'sqlite', path: './data/rekindle.sqlite' },
      port: 3000,
      publicUrl: 'http://localhost:3000',
      outboxDir: './outbox',
      shop: { currency: 'USD', timeZone: 'UTC' },
      consentPolicy: 'soft-opt-in',
    });
    expect(config.secretKey).toBeUndefined();
  });

  it.each([
    ['PORT', 'eighty', /^PORT: "eighty" is not allowed; expected/],
    ['DATABASE_URL', 'mysql://x', /^DATABASE_URL: "mysql:\/\/x" is not allowed; expected sqlite:PATH or postgres:\/\//],
    ['SHOP_CURRENCY', 'EURO', /^SHOP_CURRENCY: "EURO" is not allowed; expected an ISO 4217 currency code/],
    ['SHOP_TIMEZONE', 'Mars/Olympus', /^SHOP_TIMEZONE: .*expected an IANA time zone/],
    ['SECRET_KEY', 'short', /^SECRET_KEY: .*at least 32 characters/],
    ['PUBLIC_URL', 'shop.example', /^PUBLIC_URL: .*absolute URL/],
    ['REKINDLE_ENV', 'prod', /^REKINDLE_ENV: "prod" is not allowed; expected/],
    ['DIGEST_TO', 'owner@shop.example, nobody', /^DIGEST_TO: .*expected comma-separated email addresses/],
  ])('rejects %s=%s naming the variable and what is allowed', (name, value, message) => {
    expect(() => loadConfig({ [name]: value }, emptyDir())).toThrow(message);
    expect(() => loadConfig({ [name]: value }, emptyDir())).toThrow(ConfigError);
  });

  it('reads DIGEST_TO as a list of addresses, empty when unset', () => {
    expect(loadConfig({}, emptyDir()).digestTo).toEqual([]);
    expect(loadConfig({ DIGEST_TO: ' owner@shop.example,Partner@Shop.example ' }, emptyDir()).digestTo).toEqual(['owner@shop.example', 'Partner@Shop.example']);
  });

  it('reads rekindle.config.json, with the environment winning', () => {
    const dir = emptyDir();
    writeFileSync(path.join(dir, 'rekindle.config.json'), JSON.stringify({ SHOP_NAME: 'Bean There', PORT: 8080 }));
    expect(loadConfig({}, dir)).toMatchObject({ shop: { name: 'Bean There' }, port: 8080 });
    expect(loadConfig({ PORT: '9090' }, dir).port).toBe(9090);
  });

  it('names an unknown key or broken JSON in the config file', () => {
    const dir = emptyDir();
    writeFileSync(path.join(dir, 'rekindle.config.json'), JSON.stringify({ SHOP_NAM: 'typo' }));
    expect(() => loadConfig({}, dir)).toThrow(/SHOP_NAM: is not a setting; allowed: .*SHOP_NAME/);
    writeFileSync(path.join(dir, 'rekindle.config.json'), '{ nope');
    expect(() => loadConfig({}, dir)).toThrow(/rekindle.config.json: is not valid JSON/);
  });

  it('parses postgres URLs and previous keys for rotation', () => {
    const config = parseSettings({ DATABASE_URL: 'postgres://u:p@localhost/rk', PREVIOUS_SECRET_KEYS: 'a, b,,' });
    expect(config.database).toEqual({ kind: 'postgres', url: 'postgres://u:p@localhost/rk' });
    expect(config.previousSecretKeys).toEqual(['a', 'b']);
  });

  it('refuses production without SECRET_KEY and generates a stable one for the embedded default', () => {
    const dir = emptyDir();
    expect(() => resolveSecretKey(parseSettings({ REKINDLE_ENV: 'production' }), dir)).toThrow(/^SECRET_KEY: missing; production needs/);
    const first = resolveSecretKey(parseSettings({}), dir);
    expect(first.key).toMatch(/^[a-f0-9]{64}$/);
    expect(first.generatedAt).toBe(path.join(dir, 'secret.key'));
    expect(resolveSecretKey(parseSettings({}), dir).key).toBe(first.key);
    const configured = 'x'.repeat(40);
    expect(resolveSecretKey(parseSettings({ SECRET_KEY: configured }), dir)).toEqual({ key: configured });
  });
});
