from bideval.cli import main

main()
