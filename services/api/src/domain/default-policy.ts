/**
 * The policy of a tenant that never published one: the same document the router falls back to
 * (services/router/src/policy-book.ts; a service may not import another, so it is repeated here
 * and the two must change together).
 */
export const defaultPolicyYaml = `version: 1
timezone: UTC
business_hours: { mon-sun: "00:00-24:00" }
coverage: { in_hours: brand, out_of_hours: brand }
slas:
  clock: calendar
  critical: { first_response: 15m }
  high: { first_response: 1h }
  normal: { first_response: 4h }
  low: { first_response: 1d }
rules: []
`
