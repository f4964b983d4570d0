// Constants of Godot's binary Variant format (core/io/marshalls.cpp), shared by the encoder and
// the decoder. A header is a little-endian uint32: the type in its low byte, flags above.

/** Header flag of INT, FLOAT and the float math types: 64-bit values follow. */
export const FLAG_64 = 1 << 16;
/** Header flag of OBJECT: the object follows as its instance ID. */
export const FLAG_OBJECT_AS_ID = 1 << 16;
/** Shift of an Array's element type kind (2 bits) in the header. */
export const ARRAY_TYPE_SHIFT = 16;
/** Shift of a Dictionary's key type kind (2 bits) in the header. */
export const DICTIONARY_KEY_SHIFT = 16;
/** Shift of a Dictionary's value type kind (2 bits) in the header. */
export const DICTIONARY_VALUE_SHIFT = 18;
/** Bit set in a NodePath's name count: the format with subnames (the only one Godot 4 reads). */
export const NODE_PATH_NEW_FORMAT = 0x80000000;
/** Godot's limit on nesting (Variant::MAX_RECURSION_DEPTH), for both directions. */
export const MAX_DEPTH = 1024;
/** The class name Godot writes for object-typed containers without full objects. */
export const OBJECT_AS_ID_CLASS = 'EncodedObjectAsID';

/** How a typed container's element type is written after the header. */
export enum ContainerKind {
  /** Untyped: nothing. */
  NONE = 0,
  /** A built-in type: its number as a uint32. */
  BUILTIN = 1,
  /** An object class: its name as a string. */
  CLASS_NAME = 2,
  /** A script class: the script's res:// path as a string. */
  SCRIPT = 3,
}
