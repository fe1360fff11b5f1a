"""Hidden NumPy reference for the NN Learning Lab (instructor side only).

One module per lesson.  Nothing here is ever shipped to students: the
``nnlab release`` leak check and ``tests/test_leaks.py`` make sure of it.
"""
