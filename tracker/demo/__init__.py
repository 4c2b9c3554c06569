"""Demo data: the Barking, Dagenham and Havering inspection and one user per role."""
