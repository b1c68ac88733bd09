// The official Node SDK doing the work of benches/sdk_compare.rs: signing a create request
// N times in-process, then N/4 sequential describe calls against the emulator (through it as
// an HTTP proxy, so the SDK builds its usual CI URL and Host).
'use strict';
const COS = require(process.env.SDK_NODE_PATH);

const n = Number(process.env.SDK_COMPARE_N || 2000);
const SecretId = process.env.SDK_COMPARE_SECRET_ID;
const SecretKey = process.env.SDK_COMPARE_SECRET_KEY;
const host = 'examplebucket-1250000000.ci.ap-guangzhou.myqcloud.com';

function sign() {
  return COS.getAuthorization({
    SecretId,
    SecretKey,
    Method: 'POST',
    Key: 'inventorytriggerjob',
    Headers: { 'content-type': 'application/xml', 'content-length': '619', host },
    Expires: 900,
  });
}

if (!sign().startsWith('q-sign-algorithm=sha1&')) throw new Error('unexpected signature');
for (let i = 0; i < n; i++) sign();
let start = process.hrtime.bigint();
for (let i = 0; i < n; i++) sign();
const signUs = Number(process.hrtime.bigint() - start) / 1000 / n;

const cos = new COS({ SecretId, SecretKey, Proxy: process.env.SDK_COMPARE_ENDPOINT, KeepAlive: true });
const jobId = process.env.SDK_COMPARE_JOB_ID;
const url = `http://${host}/inventorytriggerjob/${jobId}`;
function describe() {
  return new Promise((resolve, reject) => {
    cos.request({ Method: 'GET', Key: `inventorytriggerjob/${jobId}`, Url: url }, (err, data) => {
      if (err) reject(new Error(JSON.stringify(err)));
      else resolve(data);
    });
  });
}

(async () => {
  const first = await describe();
  if (!JSON.stringify(first).includes(jobId)) throw new Error('describe did not return the job: ' + JSON.stringify(first));
  const calls = Math.floor(n / 4);
  for (let i = 0; i < calls / 4; i++) await describe();
  start = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) await describe();
  const describeUs = Number(process.hrtime.bigint() - start) / 1000 / calls;
  console.log(`node sign_us=${signUs.toFixed(3)} describe_us=${describeUs.toFixed(1)}`);
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
