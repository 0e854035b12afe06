/**
 * The policy of a tenant that never published one (the router triages with it, the API shows it):
 * every mention opens or joins a ticket at its urgency, the brand covers all hours, and the SLA
 * clock runs on calendar time.
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
