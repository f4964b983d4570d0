import type { Variant } from './Variant';

/**
 * A whole Godot Object as `var_to_bytes_with_objects` writes it: its class name and its stored
 * properties (a `script` property holds the script's `res://` path). Decoded only with
 * `allowObjects` and written only with `fullObjects`, as Godot refuses objects unless told to
 * allow them: Godot instantiates the class and sets the properties on its side, which runs code.
 */
export class EncodedObject {
  /** The class to instantiate, e.g. `'Resource'`. */
  className: string;
  /** The properties in Godot's order, by name. */
  properties: Map<string, Variant>;

  /** An object of class `className` with `properties` (a Map or a plain object). */
  constructor(className: string, properties: Map<string, Variant> | Record<string, Variant> = new Map()) {
    this.className = className;
    this.properties = properties instanceof Map ? properties : new Map(Object.entries(properties));
  }
}
