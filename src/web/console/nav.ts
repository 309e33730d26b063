/** The console's sections, in the order the navigation shows them; `ownerOnly` ones are hidden from marketers. */
import type { StaffRole } from './staff';

export interface Section {
  key: string;
  label: string;
  /** Under /console. */
  path: string;
  ownerOnly?: boolean;
}

export const SECTIONS: readonly Section[] = [
  { key: 'overview', label: 'Overview', path: '' },
  { key: 'campaigns', label: 'Campaigns', path: '/campaigns' },
  { key: 'feedback', label: 'Feedback', path: '/feedback' },
  { key: 'customers', label: 'Customers', path: '/customers' },
  { key: 'model', label: 'Model', path: '/model' },
  { key: 'incidents', label: 'Incidents', path: '/incidents' },
  { key: 'import', label: 'Import', path: '/import' },
  { key: 'users', label: 'Users', path: '/users', ownerOnly: true },
  { key: 'keys', label: 'API keys', path: '/keys', ownerOnly: true },
];

export function navFor(role: StaffRole, current: string, base: string) {
  return SECTIONS.filter((s) => role === 'owner' || !s.ownerOnly).map((s) => ({
    label: s.label,
    href: `${base}/console${s.path}`,
    current: s.key === current,
  }));
}
