# The base of every GDScript program the tests run (test/godot/godot.ts): arguments as
# `--name=value` after `--`, one line of JSON per report on stdout, and a deadline so that no
# program outlives its test.
extends SceneTree

var options := {}
var _deadline_ms := 0


func _initialize() -> void:
	for argument in OS.get_cmdline_user_args():
		var parts: PackedStringArray = argument.trim_prefix("--").split("=", true, 1)
		options[parts[0]] = parts[1] if parts.size() > 1 else "true"
	_deadline_ms = Time.get_ticks_msec() + int(float(option("seconds", "20")) * 1000.0)
	start()


func _process(_delta: float) -> bool:
	if Time.get_ticks_msec() > _deadline_ms:
		report("deadline", {})
		quit(3)
		return true
	step()
	return false


## The value of `--name=value`, or `fallback`.
func option(name: String, fallback: String = "") -> String:
	return options.get(name, fallback)


## Prints `event {json}` on one line: what the test reads (ScriptRun.line / report()).
func report(event: String, data: Dictionary = {}) -> void:
	print(event, " ", JSON.stringify(data))


## Called once, after the arguments are read. Programs override it.
func start() -> void:
	pass


## Called every frame until the program quits. Programs override it.
func step() -> void:
	pass
