/**
 * `GET /payments` (contract: further demo routes): a DPoP-bound token and a step-up `acr`. The demo's
 * assurance levels, weakest first: `urn:demo:loa:1` (password), `urn:demo:loa:2` (a second factor),
 * `urn:demo:loa:3` (a hardware key). Payments need level 2 or above.
 */
export const PAYMENTS_ACR_VALUES: readonly string[] = Object.freeze(['urn:demo:loa:2', 'urn:demo:loa:3']);

/** The payments the demo lists. */
export function paymentsJson(subject: string) {
  return { subject, payments: [{ id: 'pay_1', amount: 4200, currency: 'EUR' }] };
}
