// The field event types (decision 0034), spread into the registry (core/events/registry.ts).
export const fieldEvents = [] as const;
