import { ENetError, ErrorCode } from '../errors';

/**
 * A Godot `NodePath` (`^"Path/To:property"` in GDScript): node names, then subnames (a property
 * and its sub-properties), absolute when the path starts with `/`.
 */
export class NodePath {
  /** The node names, e.g. `['root', 'Main']` for `/root/Main`. */
  readonly names: readonly string[];
  /** The subnames after the first `:`, e.g. `['position', 'x']` for `Sprite:position:x`. */
  readonly subnames: readonly string[];
  /** Whether the path starts at the root (`/root/Main`) rather than at a node (`Main/Sprite`). */
  readonly absolute: boolean;

  /**
   * Parses `path` as Godot's `NodePath(String)` does: empty node names (`a//b`) are skipped, a
   * trailing `:` is allowed, an empty subname in the middle (`a::b`) throws
   * `ERR_INVALID_PARAMETER`. `new NodePath()` is the empty path.
   */
  constructor(path: string = '') {
    this.absolute = path.startsWith('/');
    const colon = path.indexOf(':');
    const subnames = colon < 0 ? [] : path.slice(colon + 1).split(':');
    if (subnames.length > 0 && subnames[subnames.length - 1] === '') subnames.pop();
    if (subnames.includes('')) throw new ENetError(ErrorCode.ERR_INVALID_PARAMETER, `invalid NodePath '${path}'`);
    this.subnames = subnames;
    this.names = (colon < 0 ? path : path.slice(0, colon)).split('/').filter((name) => name !== '');
  }

  /** A path made of its parts, as decoded from Godot's encoding (no parsing). */
  static fromParts(names: readonly string[], subnames: readonly string[], absolute: boolean): NodePath {
    const path = Object.create(NodePath.prototype) as { -readonly [K in keyof NodePath]: NodePath[K] };
    path.names = [...names];
    path.subnames = [...subnames];
    path.absolute = absolute;
    return path as NodePath;
  }

  /** Whether the path has no names and no subnames and is not absolute (Godot's `is_empty()`). */
  isEmpty(): boolean {
    return this.names.length === 0 && this.subnames.length === 0 && !this.absolute;
  }

  /** The path as Godot writes it: `/root/Main`, `Sprite:position:x`. */
  toString(): string {
    const names = `${this.absolute ? '/' : ''}${this.names.join('/')}`;
    return this.subnames.length > 0 ? `${names}:${this.subnames.join(':')}` : names;
  }
}
