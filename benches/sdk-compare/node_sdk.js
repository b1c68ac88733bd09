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

// Five timed passes of n / 5 operations; the median pass, in microseconds per operation.
async function medianOfPasses(n, op) {
  const perPass = Math.max(Math.floor(n / 5), 1);
  const passes = [];
  for (let p = 0; p < 5; p++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < perPass; i++) await op();
    passes.push(Number(process.hrtime.bigint() - start) / 1000 / perPass);
  }
  passes.sort((a, b) => a - b);
  return passes[2];
}

if (!sign().startsWith('q-sign-algorithm=sha1&')) throw new Error('unexpected signature');
for (let i = 0; i < n; i++) sign();

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
  // Signing is synchronous; timing it through the same helper adds one await per call to
  // every pass alike, so it is timed with a plain loop per pass instead.
  const perPass = Math.max(Math.floor(n / 5), 1);
  const signPasses = [];
  for (let p = 0; p < 5; p++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < perPass; i++) sign();
    signPasses.push(Number(process.hrtime.bigint() - start) / 1000 / perPass);
  }
  signPasses.sort((a, b) => a - b);
  const signUs = signPasses[2];
  const first = await describe();
  if (!JSON.stringify(first).includes(jobId)) throw new Error('describe did not return the job: ' + JSON.stringify(first));
  const calls = Math.floor(n / 4);
  for (let i = 0; i < calls / 4; i++) await describe();
  const describeUs = await medianOfPasses(calls, describe);
  console.log(`node sign_us=${signUs.toFixed(3)} describe_us=${describeUs.toFixed(1)}`);
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
