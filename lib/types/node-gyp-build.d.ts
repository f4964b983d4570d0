declare module 'node-gyp-build' {
  /** Loads the prebuilt or locally built addon found under `root`. */
  function load(root: string): any;
  export = load;
}
