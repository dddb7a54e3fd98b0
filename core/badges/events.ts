// The badges event types (decision 0034), spread into the registry (core/events/registry.ts).
export const badgeEvents = [] as const;
