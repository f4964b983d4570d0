# The node every peer of the RPC tests has at /root/Game (rpc_client.gd, rpc_server.gd, and the
# Node side's declaration in test/godot/rpc-game.ts, which must list the same methods): each
# @rpc method reports the calls it accepts; `act` makes this peer call others.
extends Node

## Every Variant type that travels in an RPC, and the integer widths of the multiplayer compression.
var values: Array = [
	null, true, false, 0, -100, 300, -70000, 1 << 40, -(1 << 62), 1.5, 0.1, -2.5e300, "héllo ✓", "",
	Vector2(1.5, -2), Vector2i(3, -4), Rect2(1, 2, 3, 4), Rect2i(-1, -2, 3, 4), Vector3(1, 2, 3.5),
	Vector3i(1, -2, 3), Transform2D(0.5, Vector2(3, 4)), Vector4(1, 2, 3, 4), Vector4i(1, -2, 3, -4),
	Plane(0, 1, 0, 2), Quaternion(0, 0, 0.6, 0.8), AABB(Vector3(1, 2, 3), Vector3(4, 5, 6)),
	Basis(Vector3(0, 1, 0), 0.25), Transform3D(Basis(Vector3(1, 0, 0), 0.5), Vector3(7, 8, 9)),
	Projection(Vector4(1, 2, 3, 4), Vector4(5, 6, 7, 8), Vector4(9, 10, 11, 12), Vector4(13, 14, 15, 16)),
	Color(0.25, 0.5, 0.75, 1), &"a_name", NodePath("Game/Player:position"), RID(),
	{"a": 1, 2: [3, "four"], "nested": {"v": Vector2(1, 1)}}, [1, "two", Vector2(3, 3), [4.5]],
	PackedByteArray([0, 1, 255]), PackedInt32Array([1, -2, 2147483647]), PackedInt64Array([1 << 40, -1]),
	PackedFloat32Array([0.5, -1.25]), PackedFloat64Array([0.1, 1e-300]), PackedStringArray(["a", "ß", ""]),
	PackedVector2Array([Vector2(1, 2)]), PackedVector3Array([Vector3(1, 2, 3)]), PackedColorArray([Color(1, 0, 0, 0.5)]),
	PackedVector4Array([Vector4(1, 2, 3, 4)]),
]


func _init() -> void:
	# One method configured the other way Godot allows: numbered apart from the @rpc ones.
	rpc_config("configured", {"rpc_mode": MultiplayerAPI.RPC_MODE_ANY_PEER})


func _report(method: String, args: Array) -> void:
	get_tree().report("call", {
		"method": method,
		"sender": multiplayer.get_remote_sender_id(),
		"args": args.map(func(value): return var_to_str(value)),
		"types": args.map(func(value): return type_string(typeof(value))),
	})


## Makes this peer call `target`: what the tests ask a Godot peer to do.
@rpc("any_peer")
func act(action: String, target: int) -> void:
	_report("act", [action, target])
	match action:
		"types":
			get_tree().report("values", {"count": values.size()})
			for index in values.size():
				rpc_id(target, "echo", index, values[index])
		"ping":
			rpc_id(target, "ping", 7, "seven")
		"chat":
			rpc_id(target, "chat", "hello from %d" % multiplayer.get_unique_id())
		"forbidden":
			rpc_id(target, "only_authority", 1)
		"bytes":
			rpc_id(target, "bytes", PackedByteArray([1, 2, 3]))
		"empty_bytes":
			rpc_id(target, "bytes", PackedByteArray())
		"nothing":
			rpc_id(target, "nothing")
		"configured":
			rpc_id(target, "configured", 3)
		"wrong":
			rpc_id(target, "ping", "not an int", "seven")
			rpc_id(target, "ping", 7)
		"streams":
			for n in 20:
				rpc_id(target, "fast", n)
				rpc_id(target, "ordered", n)
		"announce":
			rpc("announce", "from %d" % multiplayer.get_unique_id())
		"leave":
			multiplayer.multiplayer_peer.close()


@rpc("any_peer")
func echo(index: int, value: Variant) -> void:
	_report("echo", [index, value])
	rpc_id(multiplayer.get_remote_sender_id(), "reply", index, value)


@rpc("authority")
func reply(index: int, value: Variant) -> void:
	var expected: Variant = values[index]
	get_tree().report("reply", {"index": index, "type": type_string(typeof(value)),
		"same": typeof(value) == typeof(expected) and value == expected, "value": var_to_str(value)})


@rpc("any_peer")
func ping(number: int, text: String) -> void:
	_report("ping", [number, text])


@rpc("any_peer")
func chat(text: String) -> void:
	_report("chat", [text])


@rpc("authority")
func only_authority(number: int) -> void:
	_report("only_authority", [number])


@rpc("any_peer")
func bytes(data: PackedByteArray) -> void:
	_report("bytes", [data])


@rpc("any_peer")
func nothing() -> void:
	_report("nothing", [])


@rpc("any_peer", "call_remote", "unreliable", 2)
func fast(number: int) -> void:
	_report("fast", [number])


@rpc("any_peer", "call_remote", "unreliable_ordered", 3)
func ordered(number: int) -> void:
	_report("ordered", [number])


@rpc("authority", "call_local")
func announce(text: String) -> void:
	_report("announce", [text])


func configured(number: int) -> void:
	_report("configured", [number])
