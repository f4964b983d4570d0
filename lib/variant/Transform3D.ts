import { Basis } from './Basis';
import { Vector3 } from './Vector3';

/** A Godot `Transform3D`: a basis and an origin; the default is the identity. */
export class Transform3D {
  /**
   * A Transform3D of the given parts; each one left out is Godot's default.
   * @param basis The rotation, scale and shear.
   * @param origin The translation.
   */
  constructor(public basis: Basis = new Basis(), public origin: Vector3 = new Vector3()) {}
}
