import { Basis } from './Basis';
import { Vector3 } from './Vector3';

/** A Godot `Transform3D`: a basis and an origin; the default is the identity. */
export class Transform3D {
  /** The rotation, scale and shear. */
  basis: Basis;
  /** The translation. */
  origin: Vector3;

  /** A Transform3D of the given parts (Godot's default for each one left out). */
  constructor(basis: Basis = new Basis(), origin: Vector3 = new Vector3()) {
    this.basis = basis;
    this.origin = origin;
  }
}
