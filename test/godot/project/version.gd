# Reports the engine's version: the harness's own check that Godot runs.
extends "res://program.gd"


func start() -> void:
	report("version", Engine.get_version_info())
	quit(0)
