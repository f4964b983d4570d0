import { Vector3 } from './Vector3';
import { VariantList } from './VariantList';

/** Godot's `PackedVector3Array`: a packed array of `Vector3`s. */
export class PackedVector3Array extends VariantList<Vector3> {}
