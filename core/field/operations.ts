// The field operations (decision 0034), spread into the one contract (core/contract/api.ts).
export const fieldOperations = {} as const;
