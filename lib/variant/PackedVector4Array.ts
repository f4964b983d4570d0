import { Vector4 } from './Vector4';
import { VariantList } from './VariantList';

/** Godot's `PackedVector4Array`: a packed array of `Vector4`s. */
export class PackedVector4Array extends VariantList<Vector4> {}
