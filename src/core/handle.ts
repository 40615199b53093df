let nextId = 0;

/** What registering a hook returns: `remove()` unregisters it (idempotent), as torch's RemovableHandle. */
export class RemovableHandle {
  readonly id = nextId++;
  constructor(private readonly table: Map<number, unknown>) {}

  remove(): void {
    this.table.delete(this.id);
  }
}
