/**
 * The Whop sandbox's public entry: a fake Whop (OAuth/OIDC provider, v1 REST API, webhook
 * sender, checkout, install page, control UI) for development and tests. Chronos loads it
 * only from its development entry point (`src/sandbox-launcher.ts`); production never does.
 */
export { createSandbox, type Sandbox } from './sandbox-app.ts';
export { startSandbox, type RunningSandbox } from './sandbox-server.ts';
export type { SandboxAppRegistration, SandboxOptions, SandboxUser } from './sandbox-contracts.ts';
export { runWhopCli, type WhopCliContext } from './cli/whop-cli.ts';
