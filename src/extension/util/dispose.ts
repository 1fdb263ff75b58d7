// The Disposable base every extension object builds on (after markdown-language-features'
// src/util/dispose.ts): children registered with `_register()` are disposed with their owner, once.

export interface IDisposable {
  dispose(): void;
}

/**
 * Disposes every item even when some throw; afterwards rethrows a sole error as it is, or several as
 * one AggregateError holding all of them (as markdown-language-features does), so none is lost.
 */
export function disposeAll(items: Iterable<IDisposable>): void {
  const errors: unknown[] = [];
  for (const item of items) {
    try {
      item.dispose();
    } catch (error) {
      errors.push(error);
    }
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new AggregateError(errors, `${errors.length} errors while disposing`);
}

export function toDisposable(fn: () => void): IDisposable {
  let done = false;
  return {
    dispose() {
      if (done) return;
      done = true;
      fn();
    },
  };
}

export abstract class Disposable implements IDisposable {
  private _isDisposed = false;
  private readonly _disposables: IDisposable[] = [];

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  dispose(): void {
    if (this._isDisposed) return;
    this._isDisposed = true;
    // Children in reverse order of registration: later ones may depend on earlier ones.
    disposeAll(this._disposables.splice(0).reverse());
  }

  /** Owns `value`: disposed with this object, or at once if this object is already disposed. */
  protected _register<T extends IDisposable>(value: T): T {
    if (this._isDisposed) value.dispose();
    else this._disposables.push(value);
    return value;
  }
}
