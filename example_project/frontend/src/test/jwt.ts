/** Unsigned JWT-shaped strings for tests: only `exp` and a marker matter to the client. */
export function fakeJwt(name: string, expiresInSeconds: number, nowSeconds = Date.now() / 1000) {
  const encode = (value: object) =>
    btoa(JSON.stringify(value)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
  return `${encode({ alg: "HS256", typ: "JWT" })}.${encode({
    name,
    exp: Math.floor(nowSeconds + expiresInSeconds),
  })}.signature`;
}
