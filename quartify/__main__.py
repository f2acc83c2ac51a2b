from quartify.cli.main import main

main()
