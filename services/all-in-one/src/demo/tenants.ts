/** The three demo brands (invented). Their policies are `policies/<id>.yaml` beside this file. */
export interface DemoTenant {
  id: string
  name: string
  /** The brand's own handle on the platforms, used by the sample generator. */
  handle: string
}

export const demoTenants = [
  { id: 'northline-rail', name: 'Northline Rail', handle: 'NorthlineRail' },
  { id: 'emberforge-games', name: 'Emberforge Games', handle: 'EmberforgeHQ' },
  { id: 'bunhaus', name: 'Bunhaus Burgers', handle: 'Bunhaus' },
] as const satisfies readonly DemoTenant[]

export type DemoTenantId = typeof demoTenants[number]['id']
