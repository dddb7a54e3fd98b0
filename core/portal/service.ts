// What head office offers the portal operations (decision 0034). Types only, imported by
// core/contract/host-services.ts, so this file must not import the contract.

/** Whether head office serves the customer portal now, and when not, what the admin must do. */
export interface PortalStatus {
  on: boolean;
  /** Set when off: a sentence that says why and what the admin must do. */
  reason?: string;
}

export interface PortalService {
  status(): PortalStatus;
}
