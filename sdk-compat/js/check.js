// Drives keyless-fake-gateway through the official Akeyless JavaScript SDK. Informative only:
// sdk-compat/run.sh reports the outcome but never fails on it.
'use strict';

const akeyless = require('akeyless');

const [host, accessId, accessKey] = process.argv.slice(2);
const client = new akeyless.ApiClient(host);
const api = new akeyless.V2Api(client);

const results = [];
async function check(name, body) {
  try {
    await body();
    results.push([name, null]);
    console.log(`ok    ${name}`);
  } catch (error) {
    results.push([name, error]);
    console.log(`FAIL  ${name}: ${error && (error.stack || error.message || error)}`);
  }
}

function expect(condition, message) {
  if (!condition) {
    throw new Error(message);
  }
}

async function expectStatus(promise, status, what) {
  try {
    await promise;
  } catch (error) {
    const got = error.status || (error.response && error.response.status);
    expect(got === status, `${what}: expected HTTP ${status}, got ${got}`);
    return;
  }
  throw new Error(`${what}: expected HTTP ${status}, the call succeeded`);
}

(async () => {
  let token;
  await check('auth with an access key', async () => {
    const output = await api.auth(
      akeyless.Auth.constructFromObject({ 'access-id': accessId, 'access-key': accessKey }),
    );
    expect(output.token && output.token.startsWith('t-'), 'no t- token');
    token = output.token;
  });
  await check('create-secret and get-secret-value', async () => {
    await api.createSecret(
      akeyless.CreateSecret.constructFromObject({ name: '/sdk/allowed/js', value: 'from-js', token }),
    );
    const values = await api.getSecretValue(
      akeyless.GetSecretValue.constructFromObject({ names: ['/sdk/allowed/js'], token }),
    );
    expect(values['/sdk/allowed/js'] === 'from-js', `got ${JSON.stringify(values)}`);
  });
  await check('update-secret-val and describe-item with versions', async () => {
    await api.updateSecretVal(
      akeyless.UpdateSecretVal.constructFromObject({ name: '/sdk/allowed/js', value: 'v2', token }),
    );
    const item = await api.describeItem(
      akeyless.DescribeItem.constructFromObject({ name: '/sdk/allowed/js', 'show-versions': true, token }),
    );
    expect(item.item_name === '/sdk/allowed/js', `item_name ${item.item_name}`);
    expect(item.last_version === 2, `last_version ${item.last_version}`);
    expect(item.item_versions.length === 2, `versions ${item.item_versions.length}`);
  });
  await check('list-items', async () => {
    const output = await api.listItems(akeyless.ListItems.constructFromObject({ path: '/sdk/allowed', token }));
    const names = output.items.map((item) => item.item_name);
    expect(names.includes('/sdk/allowed/js'), `names ${names}`);
  });
  await check('missing item is 404, denied path is 401', async () => {
    await expectStatus(
      api.getSecretValue(akeyless.GetSecretValue.constructFromObject({ names: ['/sdk/allowed/none'], token })),
      404,
      'missing item',
    );
    await expectStatus(
      api.getSecretValue(akeyless.GetSecretValue.constructFromObject({ names: ['/sdk/denied/secret'], token })),
      401,
      'denied path',
    );
  });
  await check('delete-item', async () => {
    await api.deleteItem(akeyless.DeleteItem.constructFromObject({ name: '/sdk/allowed/js', token }));
    await expectStatus(
      api.getSecretValue(akeyless.GetSecretValue.constructFromObject({ names: ['/sdk/allowed/js'], token })),
      404,
      'after delete',
    );
  });

  const failed = results.filter(([, error]) => error).length;
  console.log(`sdk-compat-js: ${results.length - failed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
})();
