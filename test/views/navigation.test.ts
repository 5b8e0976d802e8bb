import { expect } from 'chai';
import { isCurrentLink, navigationFor } from '../../src/views/navigation.ts';

const labels = (role: Parameters<typeof navigationFor>[0], runsACompany: boolean) =>
  navigationFor(role, runsACompany).map((link) => link.label);

describe('the app navigation of each role', () => {
  it('gives creators their work, students their courses, admins the admin area', () => {
    expect(labels('creator', true)).to.deep.equal(['Dashboard', 'Courses', 'Videos', 'Analytics', 'Settings']);
    expect(labels('student', false)).to.deep.equal(['My courses']);
    expect(labels('admin', false)).to.deep.equal(['Admin']);
    expect(labels('admin', true)).to.deep.equal(['Dashboard', 'Courses', 'Videos', 'Analytics', 'Settings', 'Admin']);
    expect(labels('member', false)).to.deep.equal(['Dashboard']);
  });

  it('marks the page a user is on, and the dashboard only on itself', () => {
    const [dashboard, courses] = navigationFor('creator', true);
    expect(isCurrentLink(dashboard!, '/dashboard')).to.equal(true);
    expect(isCurrentLink(dashboard!, '/dashboard/courses')).to.equal(false);
    expect(isCurrentLink(courses!, '/dashboard/courses')).to.equal(true);
    expect(isCurrentLink(courses!, '/dashboard/courses/12')).to.equal(true);
    expect(isCurrentLink(courses!, '/dashboard/coursesx')).to.equal(false);
  });
});
