// The portal operations (decision 0034), spread into the one contract (core/contract/api.ts).
export const portalOperations = {} as const;
