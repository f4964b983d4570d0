import { Vector2 } from './Vector2';
import { VariantList } from './VariantList';

/** Godot's `PackedVector2Array`: a packed array of `Vector2`s. */
export class PackedVector2Array extends VariantList<Vector2> {}
