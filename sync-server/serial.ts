// One job at a time, with calls during a run folded into one more run: head office's replica
// folding branch pushes, and Telegram's planning and sending.
/** Runs a job one at a time; a call while it runs asks for one more run. */
export class Serial {
  private running: Promise<void> | null = null;
  private again = false;
  constructor(
    private readonly job: () => Promise<void>,
    private readonly onError: (error: unknown) => void,
  ) {}

  run(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        try {
          await this.job();
        } catch (error) {
          this.onError(error);
        }
      } while (this.again);
    })().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /** A run is under way. */
  get busy(): boolean {
    return this.running !== null;
  }

  idle(): Promise<void> {
    return this.running ?? Promise.resolve();
  }
}
