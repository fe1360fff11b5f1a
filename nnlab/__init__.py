"""NN Learning Lab instructor toolkit: notebook builder, grader-side scoring, sandbox, nbgrader plug-ins, the nnlab CLI.

Never imported inside a student kernel; students install only ``autograder`` (the checking library).
"""
