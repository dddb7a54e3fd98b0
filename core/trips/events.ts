// The trips event types (decision 0034), spread into the registry (core/events/registry.ts).
export const tripEvents = [] as const;
