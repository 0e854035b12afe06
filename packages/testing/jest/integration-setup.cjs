/* global jest */
// Integration tests wait on real brokers and databases; testTimeout in a Jest project entry is
// not honoured, so the integration project sets its own default here.
jest.setTimeout(60_000)
