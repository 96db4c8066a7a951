"""Reading aids: the tone-coloured ruby view of words and the dictionary popup."""
