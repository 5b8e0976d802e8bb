/**
 * Whop's v1 `Experience` object (the shape `@whop/sdk`'s `experiences.retrieve` types), and the
 * shorter item of `GET /experiences` (`ExperienceListResponse`: the same without `products`).
 */
import type { SandboxAppRegistration } from '../sandbox-contracts.ts';
import type { ExperienceRecord } from '../services/experience-service.ts';

export const EXPERIENCE_NAME = 'Chronos';

export function serializeExperience(experience: ExperienceRecord, app: SandboxAppRegistration) {
  return {
    ...serializeExperienceListItem(experience, app),
    products: experience.products.map((p) => ({ id: p.id, route: p.route, title: p.title })),
  };
}

export function serializeExperienceListItem(experience: ExperienceRecord, app: SandboxAppRegistration) {
  return {
    id: experience.id,
    name: EXPERIENCE_NAME,
    order: null,
    is_public: false,
    created_at: experience.created_at,
    image: null,
    app: { id: app.clientId, name: EXPERIENCE_NAME, icon: null },
    company: { id: experience.company.id, title: experience.company.title, route: experience.company.route },
  };
}
