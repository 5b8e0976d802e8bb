/**
 * The app navigation of each role (issue 18): creators see their work, students their courses,
 * admins the admin area (and their own company's pages when they also run one).
 */
import type { Role } from '../services/role-service.ts';

export interface NavLink {
  href: string;
  label: string;
}

const CREATOR: readonly NavLink[] = [
  { href: '/dashboard', label: 'Dashboard' },
  { href: '/dashboard/courses', label: 'Courses' },
  { href: '/dashboard/videos', label: 'Videos' },
  { href: '/analytics', label: 'Analytics' },
  { href: '/settings', label: 'Settings' },
];
const STUDENT: readonly NavLink[] = [{ href: '/dashboard', label: 'My courses' }];
const ADMIN: NavLink = { href: '/admin/tiers', label: 'Admin' };

export function navigationFor(role: Role, runsACompany: boolean): readonly NavLink[] {
  if (role === 'admin') return runsACompany ? [...CREATOR, ADMIN] : [ADMIN];
  if (role === 'creator') return CREATOR;
  if (role === 'student') return STUDENT;
  return [{ href: '/dashboard', label: 'Dashboard' }];
}

/** True when `path` is the link's page or one below it (the dashboard only for itself). */
export function isCurrentLink(link: NavLink, path: string): boolean {
  if (link.href === '/dashboard') return path === '/dashboard';
  return path === link.href || path.startsWith(`${link.href}/`);
}
