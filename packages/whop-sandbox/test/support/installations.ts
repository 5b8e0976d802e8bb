/**
 * The seed installs the app on biz_creator2 only (the product spec). Tests that read or
 * watch biz_creator1 install it there first, as its admin would, through the control API.
 */
import type { TestSandbox } from '../support/sandbox-fixture.ts';

export const CREATOR_ONE_COMPANY_ID = 'biz_creator1';
export const CREATOR_ONE_ADMIN_ID = 'user_creator_free';

/** `POST /sandbox/api/installations` for biz_creator1 (its admin approves the install link). */
export async function installOnCreatorOne(sandbox: TestSandbox): Promise<void> {
  await installApp(sandbox, CREATOR_ONE_COMPANY_ID, CREATOR_ONE_ADMIN_ID);
}

export async function installApp(sandbox: TestSandbox, companyId: string, userId: string): Promise<void> {
  const response = await fetch(`${sandbox.url}/sandbox/api/installations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ company_id: companyId, user_id: userId }),
  });
  if (response.status !== 201)
    throw new Error(`installing the app on ${companyId} answered ${response.status}: ${await response.text()}`);
}
