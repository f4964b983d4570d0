# Godot's side of test/godot/variant.test.ts: prints var_to_bytes of a fixed list of values of
# every type, and decodes the bytes the library produced (read from --input, a JSON file) with
# bytes_to_var, so that the test compares both directions in one run.
#
# Input: {"values": {case: hex}, "like": [{"name", "hex", "like": case}], "malformed": {name: hex}}.
# Reports: `value` per case (Godot's hex and text, and what Godot makes of our hex and of its own),
# `like` per JS-only encoding (whether Godot decodes it equal to a case's value), `malformed` per
# hostile or odd input (whether bytes_to_var refused it, i.e. gave null), then `done`.
extends "res://program.gd"

var _node := Node.new()


func start() -> void:
	var input: Dictionary = JSON.parse_string(FileAccess.get_file_as_string(option("input")))
	var ours: Dictionary = input["values"]
	var values := {}
	for entry: Array in _cases():
		var name: String = entry[0]
		var value: Variant = entry[1]
		var objects: bool = entry.size() > 2 and entry[2] == "objects"
		values[name] = value
		var bytes := var_to_bytes_with_objects(value) if objects else var_to_bytes(value)
		var data := {"name": name, "hex": bytes.hex_encode()}
		if typeof(value) != TYPE_OBJECT:
			data["text"] = var_to_str(value)
		if ours.has(name):
			var our_bytes: PackedByteArray = String(ours[name]).hex_decode()
			var decoded: Variant = bytes_to_var_with_objects(our_bytes) if objects else bytes_to_var(our_bytes)
			var again := var_to_bytes_with_objects(decoded) if objects else var_to_bytes(decoded)
			data["decoded_hex"] = again.hex_encode()
			data["decoded_text"] = var_to_str(decoded)
			# What Godot makes of its own bytes: an Array[Node] comes back as Array[EncodedObjectAsID].
			var own: Variant = bytes_to_var_with_objects(bytes) if objects else bytes_to_var(bytes)
			data["own_decoded_text"] = var_to_str(own)
		report("value", data)
	for like: Dictionary in input["like"]:
		var expected: Variant = values[like["like"]]
		var decoded: Variant = bytes_to_var(String(like["hex"]).hex_decode())
		report("like", {
			"name": like["name"],
			"same_type": typeof(decoded) == typeof(expected),
			"equal": decoded == expected,
			"text": var_to_str(decoded),
		})
	for name: String in input["malformed"]:
		var decoded: Variant = bytes_to_var(String(input["malformed"][name]).hex_decode())
		report("malformed", {"name": name, "refused": decoded == null})
	_node.free()
	report("done", {})
	quit(0)


## Arrays nested `levels` deep, the innermost empty.
func _nested(levels: int) -> Array:
	var array := []
	for i in levels - 1:
		array = [array]
	return array


## -0.0: the literal `-0.0` is folded to 0.0 by the GDScript compiler.
func _negative_zero() -> float:
	var zero := 0.0
	return -zero


## [name, value] or [name, value, "objects"] (encoded with var_to_bytes_with_objects).
func _cases() -> Array:
	return [
		["nil", null],
		["bool_true", true],
		["bool_false", false],
		["int_0", 0],
		["int_1", 1],
		["int_minus_1", -1],
		["int32_max", 2147483647],
		["int32_min", -2147483648],
		["int32_max_plus_1", 2147483648],
		["int32_min_minus_1", -2147483649],
		["int_2_53_plus_1", 9007199254740993],
		["int64_max", 9223372036854775807],
		["int64_min", -9223372036854775807 - 1],
		["float_0", 0.0],
		["float_minus_0", _negative_zero()],
		["float_1", 1.0],
		["float_3", 3.0],
		["float_half", 0.5],
		["float_tenth", 0.1],
		["float_third", 1.0 / 3.0],
		["float_2_24", 16777216.0],
		["float_1e20", 1e20],
		["float_1e300", 1e300],
		["float_2_63", 9223372036854775808.0],
		["float_tiny", 1e-45],
		["float_nan", NAN],
		["float_inf", INF],
		["float_minus_inf", -INF],
		["string_empty", ""],
		["string_1", "a"],
		["string_3", "abc"],
		["string_4", "abcd"],
		["string_5", "abcde"],
		["string_accents", "héllo wörld"],
		["string_cjk", "日本語のテキスト"],
		["string_emoji", "🎮 ok"],
		["string_name_empty", &""],
		["string_name", &"player_name"],
		["node_path_empty", ^""],
		["node_path_root", ^"/"],
		["node_path_absolute", ^"/root/Main/Player"],
		["node_path_relative", ^"Player/Sprite2D"],
		["node_path_subnames", ^"Player/Sprite2D:position:x"],
		["node_path_absolute_subname", ^"/root/Main:visible"],
		["node_path_only_subname", ^":position"],
		["node_path_parent", ^"../Sibling"],
		["vector2", Vector2(1.5, -2.25)],
		["vector2_rounded", Vector2(0.1, 1e20)],
		["vector2i", Vector2i(-2147483648, 2147483647)],
		["rect2", Rect2(1, 2, 3.5, 4.25)],
		["rect2i", Rect2i(-1, 2, 30, 40)],
		["vector3", Vector3(1, -2.5, 1e-3)],
		["vector3i", Vector3i(1, -2, 3)],
		["transform2d", Transform2D(Vector2(1, 2), Vector2(3, 4), Vector2(5, 6))],
		["vector4", Vector4(1, 2, 3, 4.5)],
		["vector4i", Vector4i(-4, 3, -2, 1)],
		["plane", Plane(Vector3(0, 1, 0), 5.5)],
		["quaternion", Quaternion(0.1, 0.2, 0.3, 0.9)],
		["aabb", AABB(Vector3(-1, -2, -3), Vector3(4, 5, 6))],
		["basis", Basis(Vector3(1, 2, 3), Vector3(4, 5, 6), Vector3(7, 8, 9))],
		["transform3d", Transform3D(Basis(Vector3(1, 2, 3), Vector3(4, 5, 6), Vector3(7, 8, 9)), Vector3(10, 11, 12))],
		["projection", Projection(Vector4(1, 2, 3, 4), Vector4(5, 6, 7, 8), Vector4(9, 10, 11, 12), Vector4(13, 14, 15, 16))],
		["color", Color(0.1, 0.2, 0.3, 0.4)],
		["color_red", Color.RED],
		["rid_empty", RID()],
		["rid", rid_from_int64(123456789)],
		["rid_max", rid_from_int64(-1)],
		["callable", Callable()],
		["signal_empty", Signal()],
		["array_empty", []],
		["array_mixed", [1, "a", 2.5, null, true, 3.0]],
		["array_nested", [[1, [2, [3]]], {}, [[]]]],
		["array_typed_int", Array([1, 2, 3], TYPE_INT, &"", null)],
		["array_typed_int_empty", Array([], TYPE_INT, &"", null)],
		["array_typed_float", Array([1.0, 2.5, _negative_zero()], TYPE_FLOAT, &"", null)],
		["array_typed_string", Array(["a", ""], TYPE_STRING, &"", null)],
		["array_typed_string_name", Array([&"a"], TYPE_STRING_NAME, &"", null)],
		["array_typed_vector2", Array([Vector2(1, 2)], TYPE_VECTOR2, &"", null)],
		["array_typed_array", Array([[1], []], TYPE_ARRAY, &"", null)],
		["array_typed_node", Array([], TYPE_OBJECT, &"Node", null)],
		["array_deep_1025", _nested(1025)],
		["array_too_deep", _nested(1026)],
		["dictionary_empty", {}],
		["dictionary_mixed", {"b": 1, "a": [2], "1": 3.5}],
		["dictionary_keys", {1: "int", 2.5: "float", &"name": "string name", Vector2(1, 2): null, "": {}}],
		["dictionary_nested", {"inner": {"deeper": {"list": [1, {"x": null}]}}}],
		["dictionary_typed", Dictionary({"a": 1, "b": 2}, TYPE_STRING, &"", null, TYPE_INT, &"", null)],
		["dictionary_typed_key", Dictionary({&"k": [1]}, TYPE_STRING_NAME, &"", null, TYPE_NIL, &"", null)],
		["dictionary_typed_value_float", Dictionary({1: 2.0}, TYPE_NIL, &"", null, TYPE_FLOAT, &"", null)],
		["packed_byte_empty", PackedByteArray()],
		["packed_byte_3", PackedByteArray([1, 2, 255])],
		["packed_byte_4", PackedByteArray([0, 1, 2, 3])],
		["packed_byte_5", PackedByteArray([9, 8, 7, 6, 5])],
		["packed_int32", PackedInt32Array([-2147483648, 0, 2147483647])],
		["packed_int64", PackedInt64Array([-9223372036854775807 - 1, 0, 9223372036854775807])],
		["packed_float32", PackedFloat32Array([0.5, _negative_zero(), INF, NAN])],
		["packed_float64", PackedFloat64Array([0.1, _negative_zero(), -INF, 1e300])],
		["packed_string", PackedStringArray(["", "a", "abc", "abcd", "héllo"])],
		["packed_string_empty", PackedStringArray()],
		["packed_vector2", PackedVector2Array([Vector2(1, 2), Vector2(-0.5, 0.25)])],
		["packed_vector3", PackedVector3Array([Vector3(1, 2, 3)])],
		["packed_color", PackedColorArray([Color(1, 0, 0, 0.5), Color(0.1, 0.2, 0.3)])],
		["packed_vector4", PackedVector4Array([Vector4(1, 2, 3, 4)])],
		["packed_vector2_empty", PackedVector2Array()],
		["object_as_id", _node],
		["signal_of_node", _node.tree_entered],
		["array_typed_node_full", Array([_node], TYPE_OBJECT, &"Node", null)],
		["object_full", Resource.new(), "objects"],
	]
