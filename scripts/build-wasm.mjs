console.log("PREPARE RAN")
