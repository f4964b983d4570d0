import { Color } from './Color';
import { VariantList } from './VariantList';

/** Godot's `PackedColorArray`: a packed array of `Color`s (32-bit floats). */
export class PackedColorArray extends VariantList<Color> {}
