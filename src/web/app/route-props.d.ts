// Lets any page component sit directly inside a preact-iso <Router> with `path` or `default`.
// preact-iso declares the same augmentation, but as a union that TypeScript drops (see its router.d.ts).
import "preact";

declare module "preact" {
  namespace JSX {
    interface IntrinsicAttributes {
      path?: string;
      default?: boolean;
    }
  }
}
