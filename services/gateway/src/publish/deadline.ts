/**
 * Settles with `promise`, or rejects with `onTimeout()` after `ms`; the timer never outlives it.
 * One promise and one timer a request: the `Promise.race` of an async function made four promises
 * of every publish, on the gateway's hottest path.
 */
export function withDeadline<T>(promise: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(onTimeout()), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
