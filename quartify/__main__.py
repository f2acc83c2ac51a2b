from quartify.cli.main import run

run()
