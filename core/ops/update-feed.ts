// What head office's update feed offers the contract (core/ops/updates.ts). Types only, so the
// contract's host services (core/contract/host-services.ts) can name it without a cycle.

export interface UpdateChannelState {
  channel: string;
  versions: string[];
  served: string | null;
}

export interface UpdateFeedState {
  enabled: boolean;
  heldBack: string[];
  channels: UpdateChannelState[];
  files: { name: string; bytes: number }[];
}

export interface UpdateFeedService {
  state(): Promise<UpdateFeedState>;
  configure(change: { enabled?: boolean; heldBack?: string[] }): Promise<UpdateFeedState>;
}
