"""Built-in vocabularies for the demo university generator (no external data).

Everything here is plain tuples: the generator draws from them with a seeded
``random.Random``, so the same seed always picks the same names.
"""

from __future__ import annotations

from dataclasses import dataclass

MALE_FIRST_NAMES = (
    "Aarav", "Vivaan", "Aditya", "Vihaan", "Arjun", "Sai", "Reyansh", "Ayaan", "Krishna",
    "Ishaan", "Shaurya", "Atharv", "Advik", "Pranav", "Advait", "Dhruv", "Kabir", "Ritvik",
    "Aarush", "Kayaan", "Darsh", "Veer", "Rudra", "Arnav", "Yash", "Rohan", "Rahul", "Amit",
    "Karan", "Nikhil", "Siddharth", "Varun", "Aniket", "Harsh", "Manish", "Rajesh", "Suresh",
    "Vikram", "Gaurav", "Abhishek", "Akash", "Deepak", "Tarun", "Naveen", "Ankit", "Sandeep",
    "Kunal", "Mohit", "Pratik", "Sameer", "Tushar", "Vishal", "Yuvraj", "Omkar", "Parth",
    "Tanmay", "Hrithik", "Mihir", "Neel", "Ojas", "Samarth", "Shreyas", "Soham", "Aryan",
    "Farhan", "Imran", "Zaid", "Joseph", "Thomas", "Daniel", "Gurpreet", "Harpreet", "Anand",
    "Ravi", "Srinivas", "Venkat", "Karthik", "Arvind", "Balaji", "Ganesh", "Mahesh", "Dinesh",
)

FEMALE_FIRST_NAMES = (
    "Aadhya", "Ananya", "Diya", "Saanvi", "Pari", "Anika", "Navya", "Myra", "Sara", "Aarohi",
    "Anvi", "Prisha", "Riya", "Kiara", "Ira", "Avni", "Meera", "Tara", "Ishita", "Kavya",
    "Sneha", "Pooja", "Priya", "Neha", "Shreya", "Divya", "Anjali", "Nisha", "Swati", "Sonal",
    "Ritika", "Tanvi", "Shruti", "Megha", "Pallavi", "Nandini", "Aishwarya", "Bhavna", "Chitra",
    "Deepika", "Gauri", "Harini", "Jyoti", "Kriti", "Lakshmi", "Madhuri", "Nikita", "Radhika",
    "Sakshi", "Trisha", "Vaishnavi", "Yamini", "Zoya", "Fatima", "Ayesha", "Mariam", "Sana",
    "Mary", "Grace", "Simran", "Harleen", "Manpreet", "Keerthi", "Lavanya", "Revathi",
    "Sowmya", "Vidya", "Aparna", "Archana", "Bhavya", "Charu", "Esha", "Isha", "Juhi", "Komal",
    "Mitali", "Namrata", "Payal", "Rashmi", "Sunita",
)

LAST_NAMES = (
    "Sharma", "Verma", "Gupta", "Singh", "Kumar", "Patel", "Shah", "Mehta", "Joshi", "Desai",
    "Iyer", "Iyengar", "Nair", "Menon", "Pillai", "Reddy", "Rao", "Naidu", "Chowdary", "Das",
    "Banerjee", "Chatterjee", "Mukherjee", "Ghosh", "Bose", "Sen", "Dutta", "Roy", "Kapoor",
    "Malhotra", "Khanna", "Chopra", "Arora", "Bhatia", "Sethi", "Ahuja", "Kulkarni", "Deshpande",
    "Patil", "Jadhav", "Pawar", "Shinde", "More", "Gokhale", "Apte", "Bhatt", "Trivedi",
    "Pandey", "Mishra", "Tiwari", "Dubey", "Shukla", "Srivastava", "Saxena", "Agarwal",
    "Jain", "Goel", "Bansal", "Mittal", "Chauhan", "Rathore", "Thakur", "Yadav", "Choudhary",
    "Rana", "Negi", "Bisht", "Rawat", "Kaur", "Gill", "Sandhu", "Dhillon", "Grewal", "Khan",
    "Ahmed", "Ali", "Hussain", "Qureshi", "Siddiqui", "Sheikh", "Fernandes", "D'Souza",
    "Pereira", "Rodrigues", "Thomas", "George", "Mathew", "Varghese", "Kurian", "Krishnan",
    "Subramanian", "Venkataraman", "Raman", "Natarajan", "Murthy", "Hegde", "Shetty", "Kamath",
    "Pai", "Bhat", "Acharya", "Mohanty", "Panda", "Nayak", "Behera", "Sahoo", "Hazarika",
    "Bora", "Gogoi",
)

# (city, state, postal code prefix)
CITIES = (
    ("Pune", "Maharashtra", "411"), ("Mumbai", "Maharashtra", "400"),
    ("Nagpur", "Maharashtra", "440"), ("Nashik", "Maharashtra", "422"),
    ("Bengaluru", "Karnataka", "560"), ("Mysuru", "Karnataka", "570"),
    ("Chennai", "Tamil Nadu", "600"), ("Coimbatore", "Tamil Nadu", "641"),
    ("Hyderabad", "Telangana", "500"), ("Visakhapatnam", "Andhra Pradesh", "530"),
    ("Kochi", "Kerala", "682"), ("Thiruvananthapuram", "Kerala", "695"),
    ("New Delhi", "Delhi", "110"), ("Jaipur", "Rajasthan", "302"),
    ("Lucknow", "Uttar Pradesh", "226"), ("Kanpur", "Uttar Pradesh", "208"),
    ("Ahmedabad", "Gujarat", "380"), ("Surat", "Gujarat", "395"),
    ("Kolkata", "West Bengal", "700"), ("Bhubaneswar", "Odisha", "751"),
    ("Patna", "Bihar", "800"), ("Bhopal", "Madhya Pradesh", "462"),
    ("Indore", "Madhya Pradesh", "452"), ("Chandigarh", "Chandigarh", "160"),
    ("Guwahati", "Assam", "781"), ("Dehradun", "Uttarakhand", "248"),
    ("Goa", "Goa", "403"), ("Ranchi", "Jharkhand", "834"),
)

STREETS = (
    "MG Road", "Station Road", "Park Street", "Nehru Nagar", "Gandhi Path", "Shivaji Nagar",
    "Civil Lines", "Model Town", "Lake View Road", "Temple Street", "College Road",
    "Residency Road", "Ring Road", "Market Road", "Hill View Colony", "Green Park",
)

INTERNATIONAL = (
    ("Nepalese", "Nepal", "Kathmandu"), ("Bangladeshi", "Bangladesh", "Dhaka"),
    ("Sri Lankan", "Sri Lanka", "Colombo"), ("Kenyan", "Kenya", "Nairobi"),
    ("Nigerian", "Nigeria", "Lagos"), ("Afghan", "Afghanistan", "Kabul"),
    ("Bhutanese", "Bhutan", "Thimphu"), ("Vietnamese", "Vietnam", "Hanoi"),
)

RELIGIONS = ("Hindu", "Muslim", "Christian", "Sikh", "Buddhist", "Jain", "None")
RELIGION_WEIGHTS = (70, 13, 7, 4, 2, 2, 2)
BLOOD_GROUPS = ("O+", "B+", "A+", "AB+", "O-", "B-", "A-", "AB-")
BLOOD_GROUP_WEIGHTS = (37, 32, 22, 7, 1, 1, 0.5, 0.5)
OCCUPATIONS_FATHER = (
    "Engineer", "Farmer", "Businessman", "Teacher", "Government Officer", "Doctor", "Accountant",
    "Shopkeeper", "Bank Manager", "Lawyer", "Driver", "Contractor", "Police Officer",
    "Retired", "Self-employed",
)
OCCUPATIONS_MOTHER = (
    "Homemaker", "Teacher", "Nurse", "Doctor", "Engineer", "Government Officer", "Accountant",
    "Business Owner", "Professor", "Bank Officer", "Tailor", "Self-employed",
)

PUBLISHERS = (
    "Pearson", "McGraw Hill", "Oxford University Press", "Cambridge University Press",
    "Wiley", "Springer", "Elsevier", "PHI Learning", "S. Chand", "Tata McGraw Hill",
    "Cengage", "Narosa", "New Age International", "Penguin", "Macmillan", "CRC Press",
)
GENERAL_BOOK_CATEGORIES = (
    ("Fiction", ("The Silent River", "Monsoon Letters", "A House in the Hills", "Midnight Train",
                 "The Last Monsoon", "City of Lamps", "The Salt Road", "Paper Boats",
                 "Winter in Shimla", "The Weaver's Daughter", "Stories from the Coast",
                 "The Long Walk Home")),
    ("Biography", ("A Life in Science", "The Missile Man", "Voices of Freedom", "The Reformer",
                   "Letters to a Young Engineer", "Wings of Fire Revisited")),
    ("History", ("Empires of the Deccan", "The Indus Civilisation", "Modern India",
                 "The Freedom Struggle", "Trade Routes of Asia", "Cities of the Ganga")),
    ("Reference", ("Dictionary of Science", "Encyclopaedia of Engineering", "Atlas of India",
                   "Oxford Companion to Mathematics", "Handbook of Statistics",
                   "Yearbook of General Knowledge")),
    ("Self-help", ("Effective Study Habits", "The Art of Focus", "Time Management for Students",
                   "Writing Well", "Speaking in Public")),
)

BOOK_TITLE_PATTERNS = (
    "A Textbook of {s}", "{s}: An Introduction", "Principles of {s}", "Handbook of {s}",
    "{s} in Practice", "Fundamentals of {s}", "Essentials of {s}", "{s}: Concepts and Methods",
    "Modern {s}", "Problems and Solutions in {s}",
)

HOSTEL_NAMES = (
    "Aravali", "Nilgiri", "Himadri", "Vindhya", "Satpura", "Shivalik", "Kailash", "Karakoram",
    "Ganga", "Yamuna", "Kaveri", "Godavari", "Narmada", "Krishna", "Brahmaputra", "Tapti",
    "Sabarmati", "Mahanadi", "Saraswati", "Sutlej", "Chenab", "Jhelum", "Beas", "Ravi",
    "Tungabhadra", "Pennar", "Vaigai", "Periyar", "Sharavati", "Teesta",
)


@dataclass(frozen=True, slots=True)
class DepartmentSpec:
    code: str
    name: str
    bachelors: str  # degree prefix, e.g. "B.Tech"
    masters: str
    lab_word: str  # "Laboratory", "Practicum", ...
    has_lab_fee: bool
    weight: float  # share of the students
    stems: tuple[str, ...]  # 16 subject areas, unique across departments


# The first eight are used at every size; more are added as the university grows.
DEPARTMENTS = (
    DepartmentSpec(
        "CSE", "Computer Science and Engineering", "B.Tech", "M.Tech", "Laboratory", True, 1.6,
        ("Programming", "Data Structures", "Algorithms", "Computer Architecture",
         "Operating Systems", "Database Systems", "Computer Networks", "Software Engineering",
         "Theory of Computation", "Compiler Construction", "Machine Learning",
         "Artificial Intelligence", "Computer Graphics", "Distributed Systems",
         "Information Security", "Human-Computer Interaction"),
    ),
    DepartmentSpec(
        "ECE", "Electronics and Communication Engineering", "B.Tech", "M.Tech", "Laboratory",
        True, 1.2,
        ("Electronic Devices", "Network Analysis", "Analog Circuits", "Digital Electronics",
         "Signals and Systems", "Communication Systems", "Electromagnetic Fields",
         "Microprocessors", "Digital Signal Processing", "VLSI Design", "Embedded Systems",
         "Antenna Theory", "Wireless Communication", "Optical Communication",
         "Control Engineering", "Information Theory"),
    ),
    DepartmentSpec(
        "ME", "Mechanical Engineering", "B.Tech", "M.Tech", "Workshop", True, 1.0,
        ("Engineering Mechanics", "Engineering Drawing", "Thermodynamics", "Fluid Mechanics",
         "Strength of Materials", "Kinematics of Machines", "Manufacturing Processes",
         "Heat Transfer", "Machine Design", "Dynamics of Machinery", "IC Engines",
         "Refrigeration and Air Conditioning", "Metrology", "Finite Element Methods",
         "Robotics", "Industrial Engineering"),
    ),
    DepartmentSpec(
        "CE", "Civil Engineering", "B.Tech", "M.Tech", "Laboratory", True, 0.9,
        ("Surveying", "Building Materials", "Structural Analysis", "Geotechnical Engineering",
         "Concrete Technology", "Hydraulics", "Transportation Engineering",
         "Environmental Engineering", "Steel Structures", "Reinforced Concrete Design",
         "Water Resources Engineering", "Construction Management", "Estimation and Costing",
         "Earthquake Engineering", "Foundation Engineering", "Urban Planning"),
    ),
    DepartmentSpec(
        "MATH", "Mathematics", "B.Sc", "M.Sc", "Computing Laboratory", True, 0.6,
        ("Calculus", "Linear Algebra", "Real Analysis", "Abstract Algebra",
         "Ordinary Differential Equations", "Probability Theory", "Complex Analysis",
         "Number Theory", "Topology", "Numerical Analysis", "Partial Differential Equations",
         "Mathematical Statistics", "Operations Research", "Graph Theory",
         "Functional Analysis", "Discrete Mathematics"),
    ),
    DepartmentSpec(
        "PHY", "Physics", "B.Sc", "M.Sc", "Laboratory", True, 0.6,
        ("Mechanics", "Waves and Oscillations", "Electricity and Magnetism", "Optics",
         "Thermal Physics", "Mathematical Physics", "Quantum Mechanics",
         "Statistical Mechanics", "Solid State Physics", "Nuclear Physics",
         "Electrodynamics", "Atomic and Molecular Physics", "Astrophysics",
         "Particle Physics", "Condensed Matter Physics", "Computational Physics"),
    ),
    DepartmentSpec(
        "MGT", "Management Studies", "BBA", "MBA", "Practicum", False, 1.1,
        ("Management Theory", "Financial Accounting", "Marketing Management",
         "Organisational Behaviour", "Business Economics", "Business Statistics",
         "Human Resource Management", "Corporate Finance", "Operations Management",
         "Business Law", "Strategic Management", "Entrepreneurship",
         "International Business", "Supply Chain Management", "Business Analytics",
         "Consumer Behaviour"),
    ),
    DepartmentSpec(
        "ENG", "English", "BA", "MA", "Seminar", False, 0.6,
        ("British Poetry", "The Novel", "Drama", "Literary Criticism", "Indian Writing in English",
         "American Literature", "Linguistics", "Shakespeare Studies", "Postcolonial Literature",
         "Creative Writing", "Translation Studies", "World Literature", "Literary Theory",
         "Women's Writing", "Cultural Studies", "Academic Writing"),
    ),
    DepartmentSpec(
        "EE", "Electrical Engineering", "B.Tech", "M.Tech", "Laboratory", True, 1.0,
        ("Electrical Circuits", "Electrical Machines", "Power Systems", "Power Electronics",
         "Electrical Measurements", "Control Systems", "Switchgear and Protection",
         "High Voltage Engineering", "Electric Drives", "Renewable Energy Systems",
         "Power System Operation", "Utilisation of Electrical Energy", "Smart Grids",
         "Instrumentation", "Electrical Installation Design", "Energy Auditing"),
    ),
    DepartmentSpec(
        "CHEM", "Chemistry", "B.Sc", "M.Sc", "Laboratory", True, 0.6,
        ("Inorganic Chemistry", "Organic Chemistry", "Physical Chemistry",
         "Analytical Chemistry", "Spectroscopy", "Chemical Kinetics", "Electrochemistry",
         "Polymer Chemistry", "Coordination Chemistry", "Medicinal Chemistry",
         "Green Chemistry", "Chemical Thermodynamics", "Photochemistry",
         "Organometallic Chemistry", "Environmental Chemistry", "Quantum Chemistry"),
    ),
    DepartmentSpec(
        "BIO", "Biotechnology", "B.Sc", "M.Sc", "Laboratory", True, 0.7,
        ("Cell Biology", "Biochemistry", "Microbiology", "Genetics", "Molecular Biology",
         "Immunology", "Bioinformatics", "Genetic Engineering", "Bioprocess Engineering",
         "Plant Biotechnology", "Animal Biotechnology", "Enzyme Technology",
         "Biostatistics", "Genomics and Proteomics", "Bioethics", "Environmental Biotechnology"),
    ),
    DepartmentSpec(
        "ECO", "Economics", "BA", "MA", "Workshop", False, 0.7,
        ("Microeconomics", "Macroeconomics", "Econometrics", "Indian Economy",
         "Development Economics", "Public Finance", "International Economics",
         "Monetary Economics", "Economic History", "Labour Economics",
         "Environmental Economics", "Game Theory", "Agricultural Economics",
         "Financial Economics", "Urban Economics", "Economic Policy"),
    ),
)
