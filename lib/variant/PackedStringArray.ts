import { VariantList } from './VariantList';

/** Godot's `PackedStringArray`: a packed array of strings, as a JS array. */
export class PackedStringArray extends VariantList<string> {}
